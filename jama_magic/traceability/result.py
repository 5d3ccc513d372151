"""``Trace``: coverage, the trace matrix and the untraced items, with an HTML view.

Built by :func:`jama_magic.trace`; everything here is computed from the
:class:`~.data.TraceData` it holds, so reading the attributes, reversing the trace or
exporting it sends no request.
"""

from __future__ import annotations

import math
from functools import cached_property
from os import PathLike
from typing import TYPE_CHECKING

from . import compute
from .compute import TraceSpec
from .data import TraceData

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Trace"]


class Trace:
    """Which upstream items have downstream items, e.g. requirements verified by test cases.

    ``coverage`` (share of upstream items with at least one downstream item), ``matrix``
    (one row per upstream item), ``untraced``, ``summary`` (per set or item type), and
    the other direction: ``downstream_coverage``, ``untraced_downstream``, ``reverse()``.
    """

    def __init__(self, data: TraceData, spec: TraceSpec) -> None:
        self.data = data
        self.spec = spec

    # what was traced
    @property
    def upstream(self) -> list[str]:
        """Names of the upstream item types."""
        return [self.data.type_name(kind) for kind in self.spec.upstream]

    @property
    def downstream(self) -> list[str]:
        """Names of the downstream item types."""
        return [self.data.type_name(kind) for kind in self.spec.downstream]

    @property
    def relationship_types(self) -> list[str] | None:
        """Names of the relationship types counted (None: every type)."""
        kinds = self.spec.relationship_types
        names = self.data.relationship_types
        return None if kinds is None else [names.get(kind, str(kind)) for kind in kinds]

    @property
    def requests(self) -> int | None:
        """Requests sent to build the trace (0 from a mirror)."""
        return self.data.requests

    # the results
    @cached_property
    def matrix(self) -> pd.DataFrame:
        """One row per upstream item: documentKey, name, itemType, set, downstream keys, count."""
        return compute.matrix(self.data, self.spec)

    @cached_property
    def links(self) -> pd.DataFrame:
        """One row per relationship counted: fromItem, toItem (ids), their keys, suspect."""
        return compute.link_frame(self.data, self.spec)

    @property
    def untraced(self) -> pd.DataFrame:
        """The upstream items without any downstream item."""
        untraced: pd.DataFrame = self.matrix[self.matrix["count"] == 0]
        return untraced

    @property
    def traced(self) -> int:
        """How many upstream items have at least one downstream item."""
        return int((self.matrix["count"] > 0).sum())

    @property
    def total(self) -> int:
        """How many upstream items there are."""
        return len(self.matrix)

    @property
    def coverage(self) -> float:
        """Share of upstream items with at least one downstream item (NaN without any)."""
        return self.traced / self.total if self.total else math.nan

    @property
    def group_by(self) -> str:
        """``"set"`` for one upstream type whose items sit in sets, else ``"itemType"``."""
        one_type = len(self.spec.upstream) == 1
        return "set" if one_type and self.matrix["set"].notna().any() else "itemType"

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Items, traced, untraced and coverage per set (or item type), then ``All``."""
        return compute.summary(self.matrix, by=self.group_by)

    @cached_property
    def warnings(self) -> list[str]:
        """What a reviewer should know about the data (relationships pointing the other way)."""
        notes = list(self.data.notes)
        other_way = compute.reversed_links(self.data, self.spec)
        if other_way:
            arrow = f"{'/'.join(self.downstream)} → {'/'.join(self.upstream)}"
            notes.append(
                f"{other_way} relationship(s) go the other way ({arrow}) and are not counted"
            )
        return notes

    # the other direction
    def reverse(self) -> Trace:
        """The trace read from the downstream side (e.g. test cases → the requirements)."""
        return Trace(self.data, self.spec.reversed())

    @cached_property
    def _reversed(self) -> Trace:
        return self.reverse()

    @property
    def downstream_coverage(self) -> float:
        """Share of downstream items with at least one upstream item."""
        return self._reversed.coverage

    @property
    def untraced_downstream(self) -> pd.DataFrame:
        """The downstream items without any upstream item (e.g. test cases verifying nothing)."""
        return self._reversed.untraced

    # output
    def to_excel(self, path: str | PathLike[str]) -> None:
        """Write a reviewer-ready workbook: Summary, Matrix and Untraced sheets."""
        from .excel import write_workbook

        write_workbook(self, path)

    def title(self) -> str:
        """``Requirement → Test Case (Verified by) in project 20``."""
        kinds = self.relationship_types
        via = f" ({', '.join(kinds)})" if kinds else ""
        projects = ", ".join(str(project) for project in self.data.projects)
        return (
            f"{' + '.join(self.upstream)} → {' + '.join(self.downstream)}{via}"
            f" in project {projects}"
        )

    def headline(self) -> str:
        """``707 of 961 traced (73.6 %)``."""
        share = "n/a" if math.isnan(self.coverage) else f"{self.coverage:.1%}"
        return f"{self.traced:,} of {self.total:,} traced ({share})"

    def __repr__(self) -> str:
        back = self._reversed
        return (
            f"<Trace {self.title()}: {self.headline()}; "
            f"{' + '.join(self.downstream)} with an upstream item: {back.headline()}>"
        )

    def _repr_html_(self) -> str:
        from .html import render

        return render(self)

"""``%jama trace``: the magic's front door to :func:`~.build.trace` (parsed options in,
the ``Trace`` out, shown by its HTML view)."""

from __future__ import annotations

from typing import Any

from ..errors import JamaUsageError
from .build import trace
from .result import Trace

__all__ = ["run_trace"]


def run_trace(
    *,
    project: list[str],
    upstream: list[str],
    downstream: list[str],
    relationship_type: list[str] | None = None,
    mirror: bool = False,
    excel: str | None = None,
    connection: str | None = None,
) -> Trace:
    """Run the trace the magic's options describe; write the workbook when asked."""
    result = trace(
        project,
        upstream,
        downstream,
        relationship_type=relationship_type,
        mirror=_open_mirror(connection) if mirror else None,
        connection=connection,
    )
    if excel:
        result.to_excel(excel)
        print(f"wrote {excel}")
    return result


def _open_mirror(connection: str | None) -> Any:
    import jama_magic

    opener = getattr(jama_magic, "mirror", None)
    if opener is None:
        raise JamaUsageError("--mirror needs the local mirror (jm.sync), which this build lacks")
    return opener(connection=connection)

"""The DataFrame view of Jama list bodies (``resp.df``, ``resp.to_dataframe()``, ``--df``).

The entry point is :func:`to_dataframe` (see :mod:`jama_magic.frames.dataframe`);
the other modules are its steps: ``columns`` (flattening), ``fields`` (what a
column means), ``tables`` (layout), ``dtypes`` (typed arrays), ``resolve``
(ids as names) and ``richtext`` (HTML as text).
"""

from __future__ import annotations

from .dataframe import NotAListError, to_dataframe
from .resolve import NameSource

__all__ = ["NameSource", "NotAListError", "to_dataframe"]

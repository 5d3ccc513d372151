"""The DataFrame view of Jama list bodies (``resp.df``, ``resp.to_dataframe()``, ``--df``).

The entry point is :func:`to_dataframe` (see :mod:`jama_magic.frames.dataframe`), and
:func:`frame_from_tree` for rows kept flat elsewhere (the mirror's columns);
the other modules are its steps: ``columns`` (flattening), ``fields`` (what a
column means), ``tables`` (layout), ``dtypes`` (typed arrays), ``resolve``
(ids as names; ``typedrefs`` the same over typed arrays) and ``richtext``
(HTML as text). ``origin`` is what a frame
remembers of where it came from (for ``df.jama.plan()``).
"""

from __future__ import annotations

from .dataframe import NotAListError, frame_from_tree, to_dataframe
from .origin import FrameOrigin, capture_origin, origin_of
from .resolve import NameSource

__all__ = [
    "FrameOrigin",
    "NameSource",
    "NotAListError",
    "capture_origin",
    "frame_from_tree",
    "origin_of",
    "to_dataframe",
]

"""The point-and-click front door (``jama_magic.panel()``, ``%jama panel``): an ipywidgets form.

The entry point is :class:`JamaPanel` (see :mod:`jama_magic.widgets.panel`);
``cell`` and ``view`` render, ``editors`` holds the key/value rows. (Named
``widgets``, not ``panel``: a ``panel`` subpackage would replace the
``jama_magic.panel()`` function once imported.)
"""

from __future__ import annotations

from .panel import JamaPanel

__all__ = ["JamaPanel"]

"""One IPython shell with jama_magic loaded, shared by the reliability tests."""

from __future__ import annotations

from typing import Any


def shell() -> Any:
    """The test IPython shell (in-memory history) with ``%load_ext jama_magic`` done."""
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    if "jama" not in ip.magics_manager.magics["line"]:
        ip.run_line_magic("load_ext", "jama_magic")
    return ip

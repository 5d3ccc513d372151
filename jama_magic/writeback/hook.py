"""Register ``df.jama`` when pandas is imported, without importing pandas ourselves.

``import jama_magic`` must stay light (the core never needs pandas), yet
``df.jama`` should exist in every session that imports jama_magic. If pandas
is already imported, the accessor is registered at once; otherwise a finder
on ``sys.meta_path`` waits for the first ``import pandas``, registers the
accessor right after pandas has loaded, and removes itself.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

__all__ = ["register_accessor", "register_when_pandas_loads"]

_registered = False


def register_accessor() -> None:
    """Register ``df.jama`` (once)."""
    global _registered
    if _registered:
        return
    from pandas.api.extensions import register_dataframe_accessor

    from .accessor import JamaAccessor

    register_dataframe_accessor("jama")(JamaAccessor)
    _registered = True


def register_when_pandas_loads() -> None:
    """Register now if pandas is loaded, else as soon as it is."""
    if "pandas" in sys.modules:
        register_accessor()
    elif not any(isinstance(f, _PandasWatcher) for f in sys.meta_path):
        sys.meta_path.insert(0, _PandasWatcher())


class _PandasWatcher(importlib.abc.MetaPathFinder):
    """Finds pandas through the other finders and registers the accessor after it loads."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != "pandas":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None and spec.loader is not None:
                spec.loader = _Registering(spec.loader)
                return spec
        return None


class _Registering(importlib.abc.Loader):
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        module: types.ModuleType | None = self._inner.create_module(spec)
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        self._inner.exec_module(module)
        register_accessor()

    def __getattr__(self, name: str) -> Any:  # resource readers and the like
        return getattr(self._inner, name)

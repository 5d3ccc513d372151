"""The public API stays: ``jama_magic.__all__``, the panel, the extension, the sandbox."""

from __future__ import annotations

import importlib

import jama_magic

PUBLIC = [
    "NO_BODY",
    "ChangePlan",
    "Connection",
    "Diff",
    "JamaClient",
    "JamaError",
    "JamaHTTPError",
    "JamaRequest",
    "JamaRequestError",
    "JamaResponse",
    "JamaUsageError",
    "Mirror",
    "Secret",
    "Trace",
    "__version__",
    "arequest",
    "client_for",
    "connect",
    "connections",
    "diff",
    "diff_baselines",
    "diff_versions",
    "disconnect",
    "load_ipython_extension",
    "mirror",
    "panel",
    "registry",
    "request",
    "running_sandbox",
    "settings",
    "start_sandbox",
    "stop_sandbox",
    "sync",
    "trace",
    "unload_ipython_extension",
    "use",
    "whoami",
]


def test_all_is_the_public_api() -> None:
    """__all__ lists exactly the documented names, and each one exists."""
    assert jama_magic.__all__ == PUBLIC
    assert all(hasattr(jama_magic, name) for name in jama_magic.__all__)


def test_panel_stays_a_function_after_the_widgets_load() -> None:
    """Importing the panel's package does not replace the jama_magic.panel() function."""
    importlib.import_module("jama_magic.widgets")
    assert callable(jama_magic.panel)
    assert jama_magic.panel.__module__ == "jama_magic"


def test_trace_stays_a_function_after_its_room_loads() -> None:
    """Importing jama_magic.traceability does not replace the jama_magic.trace() function."""
    importlib.import_module("jama_magic.traceability")
    assert callable(jama_magic.trace)
    assert jama_magic.trace.__module__ == "jama_magic.traceability.build"


def test_registry_and_settings_are_the_session_state() -> None:
    """jm.registry and jm.settings are the session's objects, not their modules."""
    from jama_magic.state import session

    assert jama_magic.registry is session.registry
    assert jama_magic.settings is session.settings


def test_extension_and_sandbox_entry_points() -> None:
    """%load_ext needs the two hooks at the top; the sandbox is jama_magic.sandbox.Sandbox."""
    from jama_magic.sandbox import Sandbox

    assert callable(jama_magic.load_ipython_extension)
    assert callable(jama_magic.unload_ipython_extension)
    assert callable(Sandbox)


def test_every_family_package_re_exports_its_all() -> None:
    """Each family folder's __init__ names what it re-exports, and each name exists."""
    for name in ("frames", "paging", "magics", "widgets", "traceability", "writeback"):
        package = importlib.import_module(f"jama_magic.{name}")
        assert package.__all__, name
        assert all(hasattr(package, item) for item in package.__all__), name

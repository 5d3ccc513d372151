"""jama_magic: the Jama Connect REST API from notebooks and Python.

Three front doors share one core: the ``%jama`` magics (``%load_ext
jama_magic``), the widget panel (``jama_magic.panel()``) and this Python API::

    import jama_magic as jm
    jm.connect("prod", subdomain="example", username="alice")   # password: env/keyring/prompt
    jm.whoami()                                                 # the user, as a dict
    r = jm.request("GET", "/items", query={"project": 20}, all_pages=True)
    r.df.head()
    jm.diff_baselines(91, 92)       # what changed (also jm.diff_versions, jm.diff)
    m = jm.sync(20); m.items()      # a local DuckDB mirror, refreshed incrementally

``dir(jm)`` lists the public API only (``__all__``); the modules stay importable.
"""

from __future__ import annotations

from typing import Any

from . import display as _display
from . import errors as _errors
from .api import (
    arequest,
    connect,
    connections,
    disconnect,
    request,
    running_sandbox,
    start_sandbox,
    stop_sandbox,
    use,
    whoami,
)
from .changes import Diff, diff, diff_baselines, diff_versions
from .client import JamaClient, client_for
from .connection import Connection
from .errors import (
    JamaError,
    JamaHTTPError,
    JamaRequestError,
    JamaUsageError,
)
from .mirroring import Mirror, mirror, sync
from .request import NO_BODY, JamaRequest
from .response import JamaResponse
from .secrets import Secret
from .state import session
from .traceability import Trace, trace
from .writeback import ChangePlan
from .writeback.hook import register_when_pandas_loads

_errors.short_traceback = _display.short_traceback  # uncaught errors: one line in IPython
registry = session.registry  # the connections of this session
settings = session.settings  # page_size, rate_limit, retries, timeout...

register_when_pandas_loads()  # df.jama, without importing pandas here

__version__ = "0.1.0"

__all__ = [
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


def __dir__() -> list[str]:
    # PEP 562: without this, dir(jm) also lists every imported submodule and `Any`
    return sorted(__all__)


def panel(**kwargs: Any) -> Any:
    """Show the point-and-click request panel (needs ipywidgets)."""
    from .widgets import JamaPanel

    return JamaPanel(**kwargs).show()


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jama_magic``."""
    from .magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .magics import unload_ipython_extension as unload

    unload(ipython)

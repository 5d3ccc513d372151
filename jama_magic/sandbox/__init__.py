"""An embedded Jama-compatible REST server for demos, tests and benchmarks.

>>> from jama_magic.sandbox import Sandbox
>>> with Sandbox() as sb:  # doctest: +SKIP
...     print(sb.url, sb.username)

Needs the ``sandbox`` extra (starlette, uvicorn). Standalone: it imports
nothing else from jama_magic.
"""

from __future__ import annotations

from jama_magic.sandbox.dataset import Dataset, generate
from jama_magic.sandbox.faults import SandboxStats
from jama_magic.sandbox.server import Sandbox

__all__ = ["Dataset", "Sandbox", "SandboxStats", "generate"]

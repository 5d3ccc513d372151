"""An embedded Jama-compatible REST server for demos, tests and benchmarks.

>>> from jama_magic.sandbox import Sandbox
>>> with Sandbox() as sb:  # doctest: +SKIP
...     print(sb.url, sb.username)

Needs the ``sandbox`` extra (starlette, uvicorn). Standalone: it imports
nothing else from jama_magic.

Reserved ids for testing permission errors: project 25 ("Restricted") and item
9,999,001 answer ``403 Forbidden`` in Jama's envelope (``meta.status`` "Forbidden",
``meta.message`` "User does not have permission to view this project ...") on
``/projects/25[/...]``, ``/items/9999001[/...]`` and any request with
``project=25`` in its query. They are not in the dataset, so ``GET /projects``
(which, as in Jama, lists only visible projects) and every count stay as they
were. The ids are :data:`RESTRICTED_PROJECT_ID` and :data:`RESTRICTED_ITEM_ID`.

A test case's ``testCaseStatus`` is the status of its most recently edited test
run (``NOT_RUN`` without runs), kept up to date by every test run write.
"""

from __future__ import annotations

from jama_magic.sandbox.dataset import Dataset, generate
from jama_magic.sandbox.faults import SandboxStats
from jama_magic.sandbox.restricted import RESTRICTED_ITEM_ID, RESTRICTED_PROJECT_ID
from jama_magic.sandbox.server import Sandbox

__all__ = [
    "RESTRICTED_ITEM_ID",
    "RESTRICTED_PROJECT_ID",
    "Dataset",
    "Sandbox",
    "SandboxStats",
    "generate",
]

"""Fetching every page of a list: offset paging, ``lastId`` keyset paging, and the merge.

The entry point is :func:`fetch_pages` (see :mod:`jama_magic.paging.fetch`);
``keyset`` pages ``/relationships`` and ``merge`` joins the pages into one response.
"""

from __future__ import annotations

from .fetch import MAX_PAGE, Page, Progress, fetch_pages, only_grew, plan_pages
from .merge import merge_pages

__all__ = ["MAX_PAGE", "Page", "Progress", "fetch_pages", "merge_pages", "only_grew", "plan_pages"]

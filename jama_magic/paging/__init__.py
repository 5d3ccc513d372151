"""Fetching every page of a list: offset paging, ``lastId`` keyset paging, and the merge.

The entry point is :func:`fetch_pages` (see :mod:`jama_magic.paging.fetch`);
``offset`` pages lists by ``startAt``, ``keyset`` pages ``/relationships`` by
``lastId``, and ``merge`` joins the pages into one response.
"""

from __future__ import annotations

from .fetch import MAX_PAGE, Progress, fetch_pages
from .merge import merge_pages
from .plan import Page, only_grew, plan_pages

__all__ = ["MAX_PAGE", "Page", "Progress", "fetch_pages", "merge_pages", "only_grew", "plan_pages"]

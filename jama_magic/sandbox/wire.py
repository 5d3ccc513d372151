"""Small wire-format helpers shared by the dataset generator and the server.

Jama writes datetimes as ``yyyy-MM-dd'T'HH:mm:ss.SSS+0000`` and dates as
``yyyy-MM-dd``; these helpers produce exactly that, cheaply, because the
generator formats hundreds of thousands of them for large datasets.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

JsonDict = dict[str, Any]

ITEM_ALLOWED: tuple[str, ...] = ("GET", "PUT", "PATCH", "DELETE")

EPOCH = dt.datetime(2023, 1, 9, 8, 0, 0, tzinfo=dt.timezone.utc)


def format_timestamp(moment: dt.datetime) -> str:
    """Render an aware datetime the way Jama does: milliseconds and ``+0000``."""
    utc = moment.astimezone(dt.timezone.utc)
    millis = utc.microsecond // 1000
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{millis:03d}+0000"


def now_timestamp() -> str:
    """The current UTC time in Jama's timestamp format."""
    return format_timestamp(dt.datetime.now(dt.timezone.utc))


def today() -> str:
    """Today's UTC date as ``yyyy-MM-dd``."""
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


class TimestampMaker:
    """Formats offsets (in minutes after :data:`EPOCH`) quickly.

    Day, clock and millisecond strings are precomputed because ``strftime`` per
    timestamp would dominate the time needed to generate 100,000 items.
    """

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._clock = [f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)]
        self._seconds = [f"{n:02d}" for n in range(60)]
        self._millis = [f"{n:03d}" for n in range(1000)]

    def day(self, day_index: int) -> str:
        """``yyyy-MM-dd`` for the day ``day_index`` days after the epoch."""
        text = self._days.get(day_index)
        if text is None:
            text = (EPOCH + dt.timedelta(days=day_index)).date().isoformat()
            self._days[day_index] = text
        return text

    def stamp(self, minutes: int, millis: int = 0) -> str:
        """Timestamp for ``minutes`` minutes after the epoch (08:00 UTC)."""
        day, rest = divmod(minutes + 480, 1440)
        return (
            f"{self.day(day)}T{self._clock[rest]}:{self._seconds[(minutes * 7) % 60]}"
            f".{self._millis[millis % 1000]}+0000"
        )


def parse_query_datetime(text: str) -> str | None:
    """Normalise a query datetime (``…SSSZ``, ``…ssZ``, ``…+0000``) to Jama's format.

    Returns None when the text is not a datetime, so callers can answer 400.
    """
    cleaned = text.strip().replace(" ", "+")
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    elif len(cleaned) > 5 and cleaned[-5] in "+-" and ":" not in cleaned[-5:]:
        cleaned = cleaned[:-2] + ":" + cleaned[-2:]
    try:
        moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return format_timestamp(moment)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many containers.

    Building 100,000 item dicts triggers collections that scan the whole growing
    heap again and again (they find nothing: the data has no cycles), which made
    generation several times slower.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

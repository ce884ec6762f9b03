"""When to try a request again and how long to wait first."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RETRY_STATUSES", "backoff_delay", "parse_retry_after"]

#: Statuses worth another try: the server may answer later (scrapy's list, minus 522/524 folded in 5xx).
RETRY_STATUSES = frozenset({408, 429, *range(500, 600)}) - {501, 505}


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, base: float, retry_after: float | None, cap: float) -> float:
    """Exponential backoff for the `attempt`-th retry (0-based), or the server's Retry-After; capped."""
    delay = retry_after if retry_after is not None else base * (2**attempt)
    return max(0.0, min(delay, cap))

"""A fixed-window rate limit on the shared cache (Redis in production, so every web worker
counts the same hits; per process on the embedded default)."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit on `key`; False once more than `limit` hits fall in the current window.
    A cache outage counts nothing and allows (the portal's cache is tolerant by design)."""
    if limit <= 0:
        return True
    bucket = f"ratelimit:{key}:{int(time.time()) // window_seconds}"
    if cache.add(bucket, 1, timeout=window_seconds + 5):
        return True
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr: this hit opens a new window
        cache.add(bucket, 1, timeout=window_seconds + 5)
        return True
    return not isinstance(count, int) or count <= limit

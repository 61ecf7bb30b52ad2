"""Sessions: Django's cached_db, with the session read in one round trip with the cache
keys the request will read next (issue #12: every logged-in page read the session, then the
user's and the page's versions, in two round trips).

The keys to read with it (`also`) are a hint the authentication middleware gives: what this
login's last request for the same path read (samarbeid/middleware.py). They are read before
the view runs, as the middleware would read them a moment later; a key the hint lacks is
read by whoever needs it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore


class SessionStore(CachedDBStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self.also: tuple[str, ...] = ()
        # The `also` keys as read with the session: {key: value} for those found.
        self.also_found: dict[str, Any] | None = None

    def load(self) -> dict[str, Any]:
        if not self.also or not self.session_key:
            return dict(super().load())
        key = self.cache_key
        store: Any = self._cache  # type: ignore[attr-defined]  # Django's, without stubs
        found = dict(store.get_many([key, *self.also]))  # an outage answers {}
        data = found.pop(key, None)
        self.also_found = found
        if data is None:  # not in the cache: Django reads it from the database
            return dict(super().load())
        return dict(data)

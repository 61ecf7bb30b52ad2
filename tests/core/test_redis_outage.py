"""Redis goes away in the middle of the day: a real Redis behind a TCP forwarder that the
test cuts (not a changed setting). Every page and every write keeps working, nothing is
lost, and when Redis is back the cache is used again. CI runs it on the machine's Redis."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.urls import reverse

from samarbeid import cache as tolerant_cache
from samarbeid.models import Municipality

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis (CI sets REDIS_URL)"),
]


class Forwarder:
    """127.0.0.1:<port> → Redis, until `cut()` closes the listener and every connection."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.open:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.open = False
        with contextlib.suppress(OSError):  # wakes the accept() (close alone does not)
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass


@pytest.fixture
def forwarded_cache(settings: Any) -> Iterator[Forwarder]:
    url = urllib.parse.urlparse(REDIS_URL)
    forwarder = Forwarder((url.hostname or "127.0.0.1", url.port or 6379))
    settings.CACHES = {"default": {
        "BACKEND": "samarbeid.cache.TolerantRedisCache",
        "LOCATION": f"redis://127.0.0.1:{forwarder.port}{url.path or '/0'}",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    settings.COMPLIANCE_CACHE_SECONDS = 600  # the cache that used to break writes
    tolerant_cache.TolerantRedisCache._down_until = 0.0
    yield forwarder
    forwarder.cut()
    tolerant_cache.TolerantRedisCache._down_until = 0.0


def test_pages_and_writes_work_while_redis_is_cut(world: Any, client: Any,
                                                   forwarded_cache: Forwarder) -> None:
    from politirad.models import Task
    from tests.politirad import helpers

    client.force_login(world.leader)
    stavanger = world.stavanger
    page = reverse("municipality_detail", args=[stavanger.number])
    assert client.get(page).status_code == 200
    caches["default"].set("probe", "up")
    assert caches["default"].get("probe") == "up"  # really through the forwarder

    forwarded_cache.cut()
    for url in (page, reverse("home"), reverse("rapporter:report_national"),
                reverse("rapporter:report_map"),
                reverse("rapporter:report_export", args=["municipalities", "csv"])):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("municipality_participation", args=[stavanger.number]),
                           {"participation": "declined", "note": "Vedtak i kommunestyret."})
    assert response.status_code == 302
    assert Municipality.objects.get(pk=stavanger.pk).participation == "declined"
    meeting = helpers.make_minutes(world)  # services that save many rows, all during the outage
    assert Task.objects.filter(meeting=meeting).count() == 2
    assert caches["default"].get("probe") is None  # a miss, not an error


def test_set_many_stores_each_value_with_its_expiry_on_redis() -> None:
    """A page's body and parts are stored in one plain pipeline (samarbeid/cache.py): each
    key readable, each with the timeout asked for, none kept for ever by mistake."""
    import redis

    cache = tolerant_cache.TolerantRedisCache(REDIS_URL, {"KEY_PREFIX": "test-set-many"})
    raw = redis.Redis.from_url(REDIS_URL)
    cache.set_many({"a": {"rows": [1, 2]}, "b": b"<html>", "c": 7}, 120)
    assert cache.get_many(["a", "b", "c"]) == {"a": {"rows": [1, 2]}, "b": b"<html>", "c": 7}
    ttls = [raw.ttl(cache.make_key(k)) for k in "abc"]
    assert all(100 < t <= 120 for t in ttls), ttls
    cache.set_many({"d": "kept"}, None)
    assert raw.ttl(cache.make_key("d")) == -1 and cache.get("d") == "kept"
    cache.set_many({"a": 1, "d": 2}, 0)  # Django's meaning: a timeout of 0 deletes
    assert cache.get_many(["a", "d"]) == {}
    cache.delete_many(["b", "c"])

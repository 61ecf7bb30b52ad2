"""The client's address behind the TLS proxy, for lockout (axes) and the audit trail.

`X-Forwarded-For` is believed only when the connection comes from a proxy listed in
`TRUSTED_PROXIES` (addresses or networks), and then only as far as the chain stays inside
trusted proxies: the right-most address that is not a trusted proxy is the client. A client
that sends the header itself, straight to the portal, cannot choose its address — so it can
neither evade the lockout nor lock another person out.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: Any) -> str | None:
    peer = request.META.get("REMOTE_ADDR")
    if not peer or not _trusted(peer):
        return peer
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
             if part.strip()]
    for address in reversed(chain):
        if not _valid(address):
            return peer  # a garbled header from our own proxy: trust nothing in it
        if not _trusted(address):
            return address
    return chain[0] if chain else peer

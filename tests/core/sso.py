"""Fixtures and helpers for logins through the local OpenID provider (tests/oidc_provider.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from django.urls import reverse

from tests.oidc_provider import LocalProvider, provider_settings


@pytest.fixture
def idp(settings: Any) -> Iterator[LocalProvider]:
    """A running provider, configured twice: «entra» links by verified e-mail, «idporten» by
    the person identifier."""
    provider = LocalProvider().start()
    settings.OIDC_PROVIDERS = {
        "entra": provider_settings(provider, "entra", link="email"),
        "idporten": provider_settings(provider, "idporten", link="pid",
                                      acr="idporten-loa-substantial"),
    }
    yield provider
    provider.stop()


def authorize(client: Any, name: str = "entra", **query: str) -> str:
    """Start the login; follow the provider's authorize step (real HTTP); the callback URL."""
    url = reverse("sso_start", args=[name])
    response = client.get(url + ("?" + urlencode(query) if query else ""))
    assert response.status_code == 302, response.content[:300]
    answer = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    return f"{callback.path}?{callback.query}"


def sso_login(client: Any, name: str = "entra", **query: str) -> Any:
    return client.get(authorize(client, name, **query))

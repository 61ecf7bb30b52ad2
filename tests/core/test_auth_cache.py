"""The user row read from the cache (samarbeid/middleware.py): every request has a user
object of its own, and a change to the account is seen on the next request."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from samarbeid.middleware import CachedAuthenticationMiddleware

pytestmark = pytest.mark.django_db


def _request_user(client: Any) -> Any:
    """The user a request sees, behind the same session as the test client's."""
    request = RequestFactory().get("/")
    request.session = client.session
    CachedAuthenticationMiddleware(lambda r: HttpResponse()).process_request(request)
    user = request.user
    assert user.is_authenticated
    return user


def test_each_request_has_a_user_object_of_its_own(client: Any, world: Any) -> None:
    client.force_login(world.leader)
    first = _request_user(client)
    first.otp_device = "a device of the first request"
    for _ in range(2):
        later = _request_user(client)
        assert later.pk == world.leader.pk
        assert not hasattr(later, "otp_device")
        later._samarbeid_principal = "set by a later request"
    assert not hasattr(_request_user(client), "_samarbeid_principal")


def test_an_account_change_is_seen_on_the_next_request(client: Any, world: Any) -> None:
    client.force_login(world.leader)
    assert _request_user(client).is_active
    world.leader.first_name = "Endret"
    world.leader.save()
    assert _request_user(client).first_name == "Endret"
    world.leader.is_active = False
    world.leader.save()
    request = HttpRequest()
    request.session = client.session
    CachedAuthenticationMiddleware(lambda r: HttpResponse()).process_request(request)
    assert not request.user.is_authenticated


def test_a_view_gets_the_user_itself_verified_as_django_otp_left_it(world: Any) -> None:
    """Behind the whole middleware stack a view's request.user is the user object, not the
    lazy wrappers of Django and django-otp, and it carries what django-otp set on it."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client
    from django.urls import get_resolver
    from django.utils.functional import LazyObject

    seen: list[Any] = []

    def spy(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seen.append(request.user)
        return HttpResponse("ok")

    pattern = next(p for p in get_resolver().url_patterns if getattr(p, "name", "") == "home")
    original = pattern.callback
    pattern.callback = spy
    try:
        client = Client()
        client.get("/")
        client.force_login(world.leader)
        client.get("/")
    finally:
        pattern.callback = original
    anonymous, user = seen
    assert isinstance(anonymous, AnonymousUser)
    assert not isinstance(user, LazyObject) and user.pk == world.leader.pk
    assert user.is_verified() is False  # django-otp's, on the object itself

"""The cached site header (samarbeid/layout.py): rendered once, never stale, never someone
else's; its per-request parts (CSRF token, `next`, the current page) are the request's own."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from samarbeid import layout, services
from samarbeid.models import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _header(client: Any, path: str = "") -> str:
    body = client.get(path or reverse("my_settings")).content.decode()
    return body.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def test_the_menu_follows_a_role_change_at_once(client: Any, world: Any) -> None:
    people = f'href="{reverse("people_index")}"'
    client.force_login(world.member)
    assert people not in _header(client)
    assert people not in _header(client)  # now from the cached fragment
    membership = services.membership_create(user=world.member, role=Role.NATIONAL_ADMIN)
    assert people in _header(client)
    services.membership_end(membership=membership)
    assert people not in _header(client)


def test_two_users_with_the_same_roles_each_see_their_own_name(world: Any) -> None:
    other: Any = UserFactory(first_name="Astrid", last_name="Tvilling")
    services.membership_create(user=other, role=Role.MUNICIPAL_LEADER,
                               municipality=world.stavanger)
    world.leader.first_name, world.leader.last_name = "Alice", "Ordfører"
    world.leader.save()
    alice, astrid = Client(), Client()
    alice.force_login(world.leader)
    astrid.force_login(other)
    for _ in range(2):
        assert "Alice Ordfører" in _header(alice) and "Astrid" not in _header(alice)
        assert "Astrid Tvilling" in _header(astrid) and "Alice" not in _header(astrid)


def test_a_new_name_shows_at_once(client: Any, world: Any) -> None:
    client.force_login(world.leader)
    _header(client)
    world.leader.first_name, world.leader.last_name = "Alice", "Nyttnavn"
    world.leader.save()
    assert "Alice Nyttnavn" in _header(client)


def test_the_log_out_form_of_a_cached_header_logs_out(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader)
    _header(client)
    header = _header(client)
    tokens = _TOKEN.findall(header)
    assert len(tokens) == 2  # the language switcher's and the log-out form's
    logout_form = header.split(f'action="{reverse("logout")}"', 1)[1]
    token = _TOKEN.search(logout_form)
    assert token is not None
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get(reverse("my_settings")).status_code == 302  # to the login page


def test_current_page_and_next_are_the_requests_own(client: Any, world: Any) -> None:
    client.force_login(world.leader)
    home = _header(client, "/")
    assert 'href="/" aria-current="page"' in home
    listing = _header(client, reverse("municipality_list") + "?q=a&b=c")
    assert 'href="/" aria-current="page"' not in listing
    assert f'href="{reverse("municipality_list")}" aria-current="page"' in listing
    assert 'name="next" type="hidden" value="/kommuner/?q=a&amp;b=c"' in listing
    tasks = _header(client, reverse("politirad:my_tasks"))
    assert f'href="{reverse("politirad:my_tasks")}" aria-current="page"' in tasks
    assert 'href="/" aria-current="page"' not in tasks


def test_a_language_switch_changes_the_header(client: Any, world: Any) -> None:
    client.force_login(world.leader)
    assert "Logg ut" in _header(client)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    header = _header(client)
    assert "Log out" in header and "Logg ut" not in header
    assert '<option value="en" lang="en" selected>' in header


def test_the_fragment_is_shared_and_filled_per_request(client: Any, world: Any,
                                                       monkeypatch: Any) -> None:
    """Rendered once for a user and language, whatever page (the holes are filled after)."""
    layout._memo.clear()
    rendered = []
    real = layout.get_template

    def counting(name: str) -> Any:
        if name == layout.TEMPLATE:
            rendered.append(name)
        return real(name)

    monkeypatch.setattr(layout, "get_template", counting)
    # A mark of its own: no fragment from another test (the mark reads the template too).
    monkeypatch.setattr(layout, "_build", uuid.uuid4().hex)
    client.force_login(world.leader)
    for path in ("/", reverse("municipality_list"), reverse("my_settings"), "/"):
        _header(client, path)
    assert len(rendered) == 1


def test_anonymous_and_error_pages_show_no_menu(world: Any) -> None:
    from django.test import RequestFactory

    from samarbeid.views import error_500

    login_page = Client().get(reverse("login")).content.decode()
    assert 'id="mainnav"' not in login_page and reverse("logout") not in login_page
    request = RequestFactory().get("/")
    request.user = world.leader
    request.session = {}  # type: ignore[assignment]
    for _ in range(2):
        page = error_500(request).content.decode()
        assert 'id="mainnav"' not in page and reverse("logout") not in page
        assert 'class="navbar-brand"' in page
    missing = Client()
    missing.force_login(world.leader)
    assert 'id="mainnav"' in missing.get("/finnes-ikke/").content.decode()  # a 404 has it

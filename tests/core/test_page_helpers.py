"""The core's one way to write a page (samarbeid/pages.py, issue #15): a refusal shows on the
form with the input kept, success gives one message and a redirect, a list keeps its filters."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from samarbeid import pages

pytestmark = pytest.mark.django_db


class NoteForm(forms.Form):
    title = forms.CharField(max_length=20)
    note = forms.CharField(required=False)


def _request(method: str = "get", path: str = "/x/", data: dict[str, Any] | None = None) -> HttpRequest:
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _refuse(exc: ValidationError) -> Any:
    def save(*args: Any) -> Any:
        raise exc
    return save


def test_a_refusal_naming_a_field_shows_next_to_it_and_others_at_the_top() -> None:
    form = NoteForm({"title": "x"})
    assert form.is_valid()
    pages.apply_errors(form, ValidationError({"title": "Taken.", "elsewhere": "Not here."}))
    assert form.errors["title"] == ["Taken."]
    assert form.non_field_errors() == ["Not here."]
    form = NoteForm({"title": "x"})
    assert form.is_valid()
    pages.apply_errors(form, ValidationError("Closed."))
    assert form.non_field_errors() == ["Closed."]


def test_the_page_links_keep_the_filters_but_not_the_page() -> None:
    request = _request(data={"q": "Sand", "page": "3", "status": "open"})
    assert pages.query_without_page(request) == "q=Sand&status=open"
    assert pages.paginate(request, list(range(60)), per_page=25).number == 3
    assert pages.paginate(_request(data={"page": "99"}), list(range(60)), 25).number == 3
    assert pages.paginate(_request(data={"page": "x"}), list(range(60)), 25).number == 1


def test_form_page_on_success_gives_the_message_and_redirects() -> None:
    request = _request("post", data={"title": "Møte"})
    saved: list[dict[str, Any]] = []

    def save(data: dict[str, Any]) -> int:
        saved.append(data)
        return 7

    response = pages.form_page(
        request, "includes/form_page.html", form=NoteForm(request.POST),
        save=save,
        success=lambda pk: f"Saved {pk}.", redirect_to=lambda pk: f"/done/{pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/done/7/"
    assert saved == [{"title": "Møte", "note": ""}]
    assert [str(m) for m in get_messages(request)] == ["Saved 7."]


def test_form_page_on_refusal_keeps_the_input_and_shows_why() -> None:
    request = _request("post", data={"title": "Møte"})
    response = pages.form_page(
        request, "includes/form_page.html", form=NoteForm(request.POST),
        save=_refuse(ValidationError({"title": "Already taken."})), success="Saved.",
        redirect_to="/done/", context={"title": "New note"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Already taken." in body
    assert 'value="Møte"' in body
    assert list(get_messages(request)) == []


def test_form_page_does_not_save_an_invalid_form_or_a_get() -> None:
    for request in (_request("post", data={"title": ""}), _request()):
        response = pages.form_page(
            request, "includes/form_page.html",
            form=NoteForm(request.POST if request.method == "POST" else None),
            save=lambda data: pytest.fail("saved"), success="Saved.", redirect_to="/done/")
        assert response.status_code == 200


def test_form_page_saves_only_when_every_form_is_valid() -> None:
    request = _request("post", data={"title": "Møte"})
    other = NoteForm({"title": ""})
    response = pages.form_page(
        request, "includes/form_page.html", form=NoteForm(request.POST), also_valid=[other],
        save=lambda data: pytest.fail("saved"), success="Saved.", redirect_to="/done/")
    assert response.status_code == 200
    assert other.errors


def test_action_page_shows_a_refusal_as_sentences_on_the_page() -> None:
    request = _request("post")
    response = pages.action_page(
        request, "includes/form_page.html", act=_refuse(ValidationError(["First.", "Second."])),
        success="Done.", redirect_to="/done/", context={"title": "Send"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "First." in body and "Second." in body
    done = pages.action_page(_request("post"), "includes/form_page.html", act=lambda: 3,
                             success=lambda n: f"Version {n}.", redirect_to=lambda n: f"/v/{n}/")
    assert done["Location"] == "/v/3/"


def test_list_page_filters_paginates_and_says_whether_a_filter_is_set() -> None:
    class Filter(forms.Form):
        q = forms.CharField(required=False)

    seen: list[dict[str, Any]] = []

    def rows(filters: dict[str, Any]) -> list[int]:
        seen.append(filters)
        return list(range(30))

    from unittest import mock

    with mock.patch.object(pages, "render", lambda request, template, ctx: ctx):
        ctx: Any = pages.list_page(_request(data={"q": "a", "page": "2"}), "x.html",
                                   form=Filter({"q": "a"}), rows=rows, per_page=25)
        assert seen == [{"q": "a"}]
        assert ctx["page"].number == 2 and len(ctx["page"].object_list) == 5
        assert ctx["query"] == "q=a" and ctx["filtered"] is True
        ctx = pages.list_page(_request(), "x.html", form=Filter(None), rows=rows)
        assert ctx["filtered"] is False and ctx["filters"] == {}


def test_post_action_reports_a_refusal_or_the_result_and_goes_back_either_way() -> None:
    request = _request("post")
    response = pages.post_action(request, act=_refuse(ValidationError(["Sent.", "Too late."])),
                                 success="Removed.", redirect_to="/meeting/1/#agenda-h")
    assert (response.status_code, response["Location"]) == (302, "/meeting/1/#agenda-h")
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("error", "Sent. Too late.")]
    request = _request("post")
    response = pages.post_action(request, act=lambda: 4, success=lambda n: f"Now item {n}.",
                                 redirect_to="/meeting/1/")
    assert response["Location"] == "/meeting/1/"
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("success", "Now item 4.")]

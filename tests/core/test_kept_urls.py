"""`{% url %}` keeps its answers per process (samarbeid/templatetags/kept_urls.py, issue
#12) and still answers as Django's: per arguments, script prefix and URLconf."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import NoReverseMatch, reverse, set_script_prefix


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_url_answers_as_reverse_for_each_argument() -> None:
    source = "{% url 'politirad:meeting_detail' pk %}"
    assert _render(source, pk=5) == reverse("politirad:meeting_detail", args=[5])
    assert _render(source, pk=6) == reverse("politirad:meeting_detail", args=[6])
    assert _render(source, pk=5) == reverse("politirad:meeting_detail", args=[5])


def test_url_follows_the_script_prefix() -> None:
    source = "{% url 'municipality_detail' '1103' %}"
    plain = _render(source)
    try:
        set_script_prefix("/portal/")
        assert _render(source) == "/portal/" + plain.lstrip("/")
    finally:
        set_script_prefix("/")
    assert _render(source) == plain


def test_url_as_variable_and_unknown_names() -> None:
    assert _render("{% url 'nothing-here' as u %}[{{ u }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'nothing-here' %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_url_escapes_its_answer() -> None:
    assert "&amp;" not in _render("{% url 'municipality_list' %}")
    rendered = _render("{% url 'municipality_detail' n %}", n="a&b")
    assert "&amp;" in rendered or "%26" in rendered

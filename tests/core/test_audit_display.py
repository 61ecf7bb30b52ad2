"""Issue #14: the history reads in the user's language, with field labels."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import translation

from samarbeid.audit_display import describe


def _event(object_type: str, summary: str) -> SimpleNamespace:
    return SimpleNamespace(object_type=object_type, summary=summary)


def test_field_names_become_labels_in_the_readers_language() -> None:
    with translation.override("nb"):
        text = describe(_event("politirad.meeting", "starts_at, place"))
        assert "starts_at" not in text and "place" not in text
        assert describe(_event("politirad.meeting", "agenda item 3 added")) == \
            "sak 3 lagt til på dagsordenen"
        assert describe(_event("politirad.meeting", "agenda v2 for 5 members")) == \
            "dagsorden (versjon 2) til 5 medlemmer"
        assert "access=" not in describe(_event("politirad.agendaitem", "item 2, access=exempt"))
    with translation.override("en"):
        assert describe(_event("politirad.meeting", "agenda item 3 added")) == \
            "agenda item 3 added"


def test_a_meetings_time_is_written_in_the_readers_date_format() -> None:
    with translation.override("nb"):
        assert describe(_event("politirad.meeting", "2026-12-01 10:00")) == "01.12.2026 10:00"


def test_unknown_summaries_are_kept() -> None:
    assert describe(_event("politirad.meeting", "at 2026-12-01")) == "at 2026-12-01"
    assert describe(_event("nope.nothing", "something odd")) == "something odd"

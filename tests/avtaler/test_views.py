from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avtaler import services
from avtaler.models import Agreement, AgreementVersion, VersionStatus
from samarbeid import compliance
from samarbeid.models import Municipality

from .helpers import draft, in_force_version, sent_version


def _register_queries(client: Any, world: Any, n: int, django_assert_num_queries: Any) -> None:
    municipalities = list(Municipality.objects.exclude(pk=world.stavanger.pk).order_by("number")[:n])
    for m in municipalities:
        services.agreement_create(municipality=m, actor=world.admin)
    client.force_login(world.admin)
    # The first request of a session builds the principal (cached for the day) and stamps
    # the session; the budget is for the requests after it.
    assert client.get(reverse("home")).status_code == 200
    with django_assert_num_queries(4):  # the session and the user row come from the cache
        response = client.get(reverse("avtaler:register"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("rows", [2, 50])
def test_register_has_a_fixed_query_count(rows: int, client: Any, world: Any,
                                          django_assert_num_queries: Any) -> None:
    _register_queries(client, world, rows, django_assert_num_queries)


def test_register_is_scoped_and_filtered(client: Any, world: Any) -> None:
    own = draft(world)
    services.agreement_create(municipality=world.bergen, actor=world.admin)
    client.force_login(world.leader)
    response = client.get(reverse("avtaler:register"))
    assert list(response.context["page"].object_list) == [own.agreement]
    client.force_login(world.outsider)
    response = client.get(reverse("avtaler:register"))
    assert "Stavanger" not in response.content.decode()
    client.force_login(world.admin)
    assert client.get(reverse("avtaler:register"), {"status": "in_force"}).context[
        "page"].paginator.count == 0
    assert client.get(reverse("avtaler:register"), {"q": "Berg"}).context[
        "page"].paginator.count == 1
    district = world.stavanger.police_district.code
    assert client.get(reverse("avtaler:register"), {"police_district": district}).context[
        "page"].paginator.count == 1


def test_create_and_edit_a_draft_in_the_browser_forms(client: Any, world: Any) -> None:
    client.force_login(world.police)
    response = client.post(reverse("avtaler:create", args=[world.stavanger.number]),
                           {"kind": "municipality"})
    agreement = Agreement.objects.get()
    assert response.url == reverse("avtaler:edit", args=[agreement.pk, 1])
    data = {
        "strategies": "Trygg by", "meetings_per_year": "1", "agenda_lead_days": "7",
        "evaluation_interval_months": "12", "evaluation_method": "gll",
        "forms_of_cooperation": ["local_council", "slt"], "revision_interval_months": "24",
        "measures-TOTAL_FORMS": "2", "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0", "measures-MAX_NUM_FORMS": "50",
        "measures-0-title": "Natteravner", "measures-0-coordination_step": "3",
        "measures-1-title": "", "measures-1-coordination_step": "1",
    }
    response = client.post(reverse("avtaler:edit", args=[agreement.pk, 1]), data)
    assert response.status_code == 302
    version = agreement.versions.get()
    assert version.strategies == "Trygg by"
    assert version.forms_of_cooperation == ["local_council", "slt"]
    assert [(m.title, m.coordination_step) for m in version.measures.all()] == [("Natteravner", 3)]
    page = client.get(response.url).content.decode()
    assert "Natteravner" in page and "to møter" in page  # fewer than two meetings: warned
    # Both a date and an interval: refused next to the field, the input kept.
    response = client.post(reverse("avtaler:edit", args=[agreement.pk, 1]),
                           {**data, "revision_date": "2027-01-01", "strategies": "Endret tekst"})
    assert response.status_code == 200
    assert "Endret tekst" in response.content.decode()
    assert response.context["form"].errors["revision_interval_months"]


def test_editing_a_signed_version_is_refused_with_the_reason(client: Any, world: Any) -> None:
    version = in_force_version(world)
    client.force_login(world.police)
    url = reverse("avtaler:edit", args=[version.agreement_id, version.number])
    response = client.get(url)
    assert response.status_code == 409
    assert "revisjonsutkast" in response.content.decode()
    response = client.post(url, {"strategies": "Forsøk"})
    assert response.status_code == 409
    version.refresh_from_db()
    assert version.strategies != "Forsøk"


def test_send_sign_and_in_force_through_views(client: Any, world: Any) -> None:
    version = draft(world)
    client.force_login(world.police)
    client.post(reverse("avtaler:send", args=[version.agreement_id, 1]))
    client.force_login(world.leader)
    url = reverse("avtaler:sign", args=[version.agreement_id, 1])
    response = client.post(url, {"party": "municipality", "confirm": "on",
                                 "signed_pdf": SimpleUploadedFile("x.pdf", b"GIF89a not a pdf")})
    assert response.status_code == 200
    assert response.context["form"].errors["signed_pdf"]
    response = client.post(url, {"party": "municipality", "confirm": "on"})
    assert response.status_code == 302
    client.force_login(world.chief)
    client.post(url, {"party": "police", "confirm": "on"})
    version.refresh_from_db()
    assert version.status == VersionStatus.IN_FORCE
    # Nothing left to sign: the sign page sends the user back to the agreement.
    assert client.get(url).status_code == 302


def test_revision_and_compare_show_differences(client: Any, world: Any) -> None:
    version = in_force_version(world)
    client.force_login(world.police)
    response = client.post(reverse("avtaler:revise", args=[version.agreement_id]))
    assert response.url == reverse("avtaler:edit", args=[version.agreement_id, 2])
    revision = AgreementVersion.objects.get(number=2)
    services.version_update(version=revision, actor=world.police,
                            data={"strategies": "Ny strategi for 2027"})
    response = client.get(reverse("avtaler:compare", args=[version.agreement_id]))
    page = response.content.decode()
    assert '<ins class="diff-added">' in page and "Ny strategi for 2027" in page
    assert "Trygge lokalsamfunn for alle." in page
    diffs = {d.title: d.changed for d in response.context["diffs"]}
    assert diffs["Strategier og mål"] is True
    assert diffs["Tiltak"] is False
    # A second revision while one is open: refused with the reason on the page.
    response = client.post(reverse("avtaler:revise", args=[version.agreement_id]))
    assert response.status_code == 200 and "Versjon 2" in response.content.decode()


def test_decline_view_records_decision(client: Any, world: Any) -> None:
    version = draft(world)
    client.force_login(world.leader)
    response = client.post(reverse("avtaler:decline", args=[version.agreement_id]),
                           {"declined_on": "2026-10-01", "note": "Kommunestyret sa nei."})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Kommunestyret sa nei." in page and "§2.3" in page


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_pdf_contains_signatories_fingerprint_and_page_numbers(client: Any, world: Any) -> None:
    version = in_force_version(world)
    client.force_login(world.police)  # a reader who did not sign
    response = client.get(reverse("avtaler:pdf", args=[version.agreement_id, 1]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    text = _pdf_text(content)
    for sig in version.signatures.all():
        assert sig.name in text
    assert world.leader.get_full_name() in text and world.chief.get_full_name() in text
    assert version.fingerprint in text.replace("\n", "")
    assert "Side 1 av" in text
    assert "UTKAST" not in text
    assert "Stavanger" in text and "Sør-Vest" in text
    version.refresh_from_db()
    assert version.pdf and version.pdf_state == "in_force:2"  # stored for the next download
    from samarbeid.models import AuditEvent

    assert AuditEvent.objects.filter(action="export", actor=world.police).exists()


def test_draft_pdf_is_marked(client: Any, world: Any) -> None:
    version = draft(world)
    client.force_login(world.police)
    response = client.get(reverse("avtaler:pdf", args=[version.agreement_id, 1]))
    assert "UTKAST" in _pdf_text(b"".join(response.streaming_content))


def test_render_task_stores_the_pdf(world: Any) -> None:
    from avtaler.tasks import render_version_pdf

    version = sent_version(world)
    name = render_version_pdf(version.pk)
    version.refresh_from_db()
    assert version.pdf.name == name and version.pdf_state == "sent_for_signing:0"
    assert render_version_pdf(999999) == "gone"


def test_verify_by_fingerprint_and_by_pdf(client: Any, world: Any) -> None:
    version = in_force_version(world)
    client.force_login(world.leader)
    response = client.post(reverse("avtaler:verify"), {"fingerprint": version.fingerprint})
    assert response.context["result"]["match"] == version
    response = client.post(reverse("avtaler:verify"), {"fingerprint": "0" * 64})
    assert response.context["result"]["match"] is None
    pdf = b"".join(client.get(reverse("avtaler:pdf", args=[version.agreement_id, 1]))
                   .streaming_content)
    response = client.post(reverse("avtaler:verify"),
                           {"document": SimpleUploadedFile("avtale.pdf", pdf)})
    assert response.context["result"]["match"] == version
    assert "Versjon 1" in response.content.decode() or "versjon 1" in response.content.decode()
    # Outsiders learn nothing about agreements they may not see.
    client.force_login(world.outsider)
    response = client.post(reverse("avtaler:verify"), {"fingerprint": version.fingerprint})
    assert response.context["result"]["match"] is None


def test_municipality_page_panel_and_home_reminder(client: Any, world: Any) -> None:
    version = sent_version(world)
    client.force_login(world.leader)
    page = client.get(reverse("municipality_detail", args=[world.stavanger.number])).content.decode()
    assert reverse("avtaler:detail", args=[version.agreement_id]) in page
    home = client.get(reverse("home")).content.decode()
    assert reverse("avtaler:sign", args=[version.agreement_id, 1]) in home
    assert reverse("avtaler:register") in home  # main menu link


def test_compliance_checks_in_fixed_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    version = in_force_version(world)
    draft(world, municipality=world.sandnes, actor=world.admin)
    services.agreement_decline(agreement=Agreement.objects.get(municipality=world.sandnes),
                               actor=world.admin, note="Nei takk")
    qs = Municipality.objects.filter(police_district=world.stavanger.police_district)
    with django_assert_max_num_queries(8):
        result = compliance.evaluate(qs, codes=["agreement_in_force", "agreement_draft_stale",
                                                "agreement_revision"])
    assert result[world.stavanger.pk]["agreement_in_force"].status == "ok"
    assert result[world.sandnes.pk]["agreement_in_force"].status == "declined"
    other = qs.exclude(pk__in=[world.stavanger.pk, world.sandnes.pk]).first()
    assert other is not None
    assert result[other.pk]["agreement_in_force"].status == "fail"
    assert result[world.stavanger.pk]["agreement_revision"].status == "ok"
    AgreementVersion.objects.filter(pk=version.pk).update(revision_due="2020-01-01")
    assert compliance.evaluate(qs, codes=["agreement_revision"])[world.stavanger.pk][
        "agreement_revision"].status == "fail"


def test_withdraw_view_leads_to_the_new_draft(client: Any, world: Any) -> None:
    version = sent_version(world)
    client.force_login(world.police)
    detail = client.get(reverse("avtaler:version_detail", args=[version.agreement_id, 1]))
    url = reverse("avtaler:withdraw", args=[version.agreement_id, 1])
    assert url in detail.content.decode()
    response = client.post(url)
    assert response.url == reverse("avtaler:edit", args=[version.agreement_id, 2])
    page = client.get(response.url).content.decode()
    assert "Versjon 1 er trukket tilbake fra signering" in page


def test_register_filter_shows_a_renamed_police_district_at_once(client: Any, world: Any) -> None:
    # The filter's fields are rendered once and kept (samarbeid/templatetags/portal.py,
    # as_filter_field): a changed choice list must still show on the next request.
    client.force_login(world.admin)
    district = world.stavanger.police_district
    first = client.get(reverse("avtaler:register"), {"police_district": district.code})
    assert f'<option value="{district.code}" selected>{district.name}</option>' in first.content.decode()
    district.name = "Renamed police district"
    district.save()
    again = client.get(reverse("avtaler:register"), {"police_district": district.code}).content.decode()
    assert f'<option value="{district.code}" selected>Renamed police district</option>' in again
    other = client.get(reverse("avtaler:register")).content.decode()
    assert f'<option value="{district.code}">Renamed police district</option>' in other

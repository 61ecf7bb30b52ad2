"""Logged-in pages of agreements and police contacts are never cached (issue 7 §2): they
hold personal and possibly exempt information."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avtaler import services as avtaler_services
from politikontakt import services as politikontakt_services
from politikontakt.models import PreventiveFunction
from tests.avtaler.helpers import sent_version

pytestmark = pytest.mark.django_db


def test_list_detail_and_download_pages_are_not_cached(client: Any, world: Any, sorvest: Any,
                                                       district_admin: Any, reader: Any) -> None:
    version = sent_version(world)
    avtaler_services.version_sign(
        version=version, actor=world.leader,
        signed_pdf=SimpleUploadedFile("s.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))
    membership = world.police.memberships.get(role="police_contact")
    assignment = politikontakt_services.assignment_adopt(membership=membership,
                                                         share_of_position=60)
    function = politikontakt_services.preventive_function_save(function=PreventiveFunction(
        police_district=sorvest, kind="online_patrol", holder_name="Nett", phone="1"))
    approval = politikontakt_services.approval_request(
        contact=world.police, police_district=sorvest, reason="r", max_municipalities=4)
    pk = version.agreement_id
    urls = {
        reader: [
            reverse("avtaler:register"), reverse("avtaler:detail", args=[pk]),
            reverse("avtaler:version_detail", args=[pk, 1]), reverse("avtaler:compare", args=[pk]),
            reverse("avtaler:pdf", args=[pk, 1]),
            reverse("avtaler:signed_copy", args=[pk, 1, "municipality"]),
            reverse("avtaler:verify"),
            reverse("politikontakt:assignment_list"),
            reverse("politikontakt:assignment_detail", args=[assignment.pk]),
            reverse("politikontakt:directory_index"),
            reverse("politikontakt:directory", args=[sorvest.code]),
        ],
        world.chief: [
            reverse("politikontakt:coverage"), reverse("politikontakt:approval_list"),
            reverse("politikontakt:approval_decide", args=[approval.pk]),
            reverse("politikontakt:function_edit", args=[sorvest.code, function.pk]),
            reverse("avtaler:edit", args=[pk, 1]),
        ],
    }
    for user, pages in urls.items():
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code in (200, 409), url
            cache_control = {p.strip() for p in response["Cache-Control"].split(",")}
            assert {"no-store", "private"} <= cache_control, (url, cache_control)
            assert "max-age=0" in cache_control

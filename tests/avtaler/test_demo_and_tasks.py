from __future__ import annotations

from typing import Any
from unittest import mock

from avtaler.models import Agreement, AgreementStatus, Signature
from samarbeid import demo

from .helpers import draft


def test_demo_has_a_signed_stavanger_agreement_and_a_sandnes_draft(db: Any) -> None:
    demo.build()
    demo.build()  # idempotent
    stavanger = Agreement.objects.get(municipality__name="Stavanger")
    assert stavanger.status == AgreementStatus.IN_FORCE
    signers = set(Signature.objects.filter(version__agreement=stavanger)
                  .values_list("user__username", flat=True))
    assert signers == {"ordforer.stavanger", "politimester.sorvest"}
    sandnes = Agreement.objects.get(municipality__name="Sandnes")
    assert sandnes.status == AgreementStatus.DRAFT
    assert Agreement.objects.count() == 2


def test_pdf_task_is_enqueued_after_commit_with_the_id(world: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    from avtaler import services, tasks

    version = draft(world)
    with mock.patch.object(tasks.render_version_pdf, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.version_send_for_signing(version=version, actor=world.police)
        delay.assert_not_called()  # nothing before the commit
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(version.pk)

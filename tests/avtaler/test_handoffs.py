"""Issue #14: an agreement version sent for signing reaches each signatory (the mayor or
delegate, the chief of police or delegate, §3) once, through the ledger, after commit, with a
link to the signing page on the configured site URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from avtaler import handoffs, services
from samarbeid.models import Role
from tests.factories import user_with_role

from .helpers import draft

pytestmark = pytest.mark.django_db


def test_each_signatory_is_told_once_with_a_link_to_sign(
        world: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8001"
    version = draft(world)
    # Someone who may not sign for Stavanger (another municipality's mayor) hears nothing.
    user_with_role(Role.MUNICIPAL_LEADER, username="sandnesmayor", can_sign=True,
                   municipality=world.sandnes)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.version_send_for_signing(version=version, actor=world.police)
    to = sorted(address for m in mail.outbox for address in m.to)
    assert to == sorted([world.leader.email, world.chief.email])
    url = "http://127.0.0.1:8001" + reverse("avtaler:sign",
                                            args=[version.agreement_id, version.number])
    assert all(url in m.body for m in mail.outbox)
    assert "sendt til signering" in mail.outbox[0].body
    # A retry of the task sends nothing more.
    assert handoffs.version_sent_for_signing(version.pk) == 0
    assert len(mail.outbox) == 2


def test_nothing_is_sent_before_the_send_commits(world: Any) -> None:
    """Enqueued on commit: until the transaction commits (or if it rolls back) no one is mailed."""
    version = draft(world)
    mail.outbox.clear()
    services.version_send_for_signing(version=version, actor=world.police)  # no commit here
    assert mail.outbox == []


def test_under_make_run_port_8001_the_email_links_to_8001(tmp_path: Any) -> None:
    """`make run PORT=8001` exports SITE_URL=http://$(HOST):$(PORT) (Makefile); the settings
    read it and the e-mail's link is built on it — here in a fresh process, as the portal
    and its scheduler start under make, with the console backend they use by default."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items()
           if k not in {"SITE_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(SITE_URL="http://127.0.0.1:8001", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    code = (
        "import django; django.setup()\n"
        "from samarbeid import notify\n"
        "notify.send_mail_now(recipient='a@example.no', subject='s',"
        " template='avtaler/email/sent_for_signing.txt', context={"
        "'agreement': {'first_party_name': 'Stavanger kommune'}, 'version': {'number': 1},"
        " 'recipient': {'username': 'a'}, 'url': '/avtaler/1/versjon/1/signer/'})\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env={
        **env, "DJANGO_SETTINGS_MODULE": "config.settings"}, capture_output=True,
        text=True, timeout=120, check=True).stdout
    assert "http://127.0.0.1:8001/avtaler/1/versjon/1/signer/" in out
    assert ":8000" not in out

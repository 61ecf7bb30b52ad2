"""Expected status per role for every URL of the agreements (see tests/matrix.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avtaler import services
from tests.matrix import LOGIN, Case, everyone, scoped

from .helpers import draft, sent_version


def _draft_url(name: str) -> Any:
    def url(w: Any) -> str:
        version = draft(w)
        return reverse(name, args=[version.agreement_id, version.number])
    return url


def _agreement_url(name: str) -> Any:
    def url(w: Any) -> str:
        return reverse(name, args=[draft(w).agreement_id])
    return url


def _sign_url(w: Any) -> str:
    version = sent_version(w)
    return reverse("avtaler:sign", args=[version.agreement_id, version.number])


def _withdraw_url(w: Any) -> str:
    version = sent_version(w)
    return reverse("avtaler:withdraw", args=[version.agreement_id, version.number])


def _signed_copy_url(w: Any) -> str:
    version = sent_version(w)
    services.version_sign(version=version, actor=w.leader, signed_pdf=SimpleUploadedFile(
        "signert.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    return reverse("avtaler:signed_copy", args=[version.agreement_id, version.number,
                                                "municipality"])


MATRIX = {
    "avtaler:register": Case(lambda w: reverse("avtaler:register"), everyone()),
    "avtaler:verify": Case(lambda w: reverse("avtaler:verify"), everyone()),
    "avtaler:create": Case(lambda w: reverse("avtaler:create", args=[w.stavanger.number]),
                           scoped(change=200)),
    "avtaler:detail": Case(_agreement_url("avtaler:detail"), scoped()),
    "avtaler:version_detail": Case(_draft_url("avtaler:version_detail"), scoped()),
    "avtaler:edit": Case(_draft_url("avtaler:edit"), scoped(change=200)),
    "avtaler:send": Case(_draft_url("avtaler:send"), scoped(change=200)),
    # Only those with authority to sign for a party may open the signing page (§3); a
    # council seat gives nothing of the municipality, so the member gets 404 like outsiders.
    "avtaler:sign": Case(_sign_url, {"anonymous": LOGIN, "outsider": 404, "member": 404,
                                     "leader": 200, "admin": 403}),
    "avtaler:withdraw": Case(_withdraw_url, scoped(change=200)),
    "avtaler:pdf": Case(_draft_url("avtaler:pdf"), scoped()),
    "avtaler:signed_copy": Case(_signed_copy_url, scoped()),
    "avtaler:revise": Case(_agreement_url("avtaler:revise"), scoped(change=200)),
    "avtaler:compare": Case(_agreement_url("avtaler:compare"), scoped()),
    "avtaler:decline": Case(_agreement_url("avtaler:decline"), scoped(change=200)),
}

"""The portal's seal: a PAdES signature (ETSI.CAdES.detached) on documents that must hold up
later, and the check of a sealed file that someone hands back (issue 13, Veileder §3).

Signed agreement versions are archive records (arkivlova) and the parties rely on them: a PDF
whose printed fingerprint can be copied proves nothing. The seal is made with the portal's
own certificate and key (`SEAL_CERT_PATH`, `SEAL_KEY_PATH`, `SEAL_KEY_PASSPHRASE`) and checked
against the configured trust roots (`SEAL_TRUST_ROOTS`). `manage.py make_dev_seal` (run by
`make run`) creates a development CA and seal certificate under `var/seal/`.

`check_seal` reads untrusted uploads, so it is bounded: no text is extracted, nothing is
fetched from the network (no CRL/OCSP look-ups), only the first signature is validated and the
difference analysis of later revisions is skipped — a file with anything appended after the
seal is refused by its coverage alone. The work is one parse of the cross-reference table,
one SHA-256 over the signed bytes and one signature check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

FIELD_NAME = "Forsegling"
SIGNER_NAME = "Samarbeidsportalen"


class SealProblem(StrEnum):
    """What is wrong with a file handed back, from the most basic to the most specific."""

    UNREADABLE = "unreadable"  # not a PDF that can be parsed
    NO_SEAL = "no_seal"  # a PDF without a signature
    ALTERED = "altered"  # the signed bytes or the signature itself do not check out
    UNTRUSTED = "untrusted"  # a valid signature by a certificate outside the trust roots
    APPENDED = "appended"  # valid and trusted, but something was added after the seal


@dataclass(frozen=True)
class SealCheck:
    problem: SealProblem | None
    signer: str = ""
    signed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class SealConfig:
    cert_path: Path
    key_path: Path
    passphrase: str
    trust_roots: tuple[Path, ...]


def config() -> SealConfig:
    return SealConfig(
        cert_path=Path(settings.SEAL_CERT_PATH), key_path=Path(settings.SEAL_KEY_PATH),
        passphrase=settings.SEAL_KEY_PASSPHRASE,
        trust_roots=tuple(Path(p) for p in settings.SEAL_TRUST_ROOTS if p))


def configured() -> bool:
    """Certificate and key are there. Without them agreement PDFs are rendered but not sealed
    (logged), and the verify page refuses every file as not sealed by the portal."""
    c = config()
    return c.cert_path.is_file() and c.key_path.is_file()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _pem_certificates(path: Path) -> list[Any]:
    """Every certificate in a PEM (or one DER) file, as asn1crypto objects for pyHanko."""
    from asn1crypto import pem, x509

    data = path.read_bytes()
    if not pem.detect(data):
        return [x509.Certificate.load(data)]
    return [x509.Certificate.load(der) for _kind, _headers, der in pem.unarmor(data, multiple=True)]


def _signer() -> Any:
    from pyhanko.keys import load_private_key_from_pemder
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    c = config()
    # SEAL_CERT_PATH holds the seal certificate, optionally followed by intermediate CAs.
    certs = _pem_certificates(c.cert_path)
    key = load_private_key_from_pemder(str(c.key_path),
                                       passphrase=c.passphrase.encode() if c.passphrase else None)
    chain = certs[1:] + [root for path in c.trust_roots if path.is_file()
                         for root in _pem_certificates(path)]
    return signers.SimpleSigner(signing_cert=certs[0], signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs(chain))


def _outside_event_loop(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """pyHanko's synchronous API runs its own event loop (asyncio.run), which fails in a
    thread that already runs one (an ASGI worker, Playwright's sync API in tests): such
    callers get the work done in a short-lived thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def seal_pdf(content: bytes, *, reason: str, location: str = SIGNER_NAME,
             field_name: str = FIELD_NAME) -> bytes:
    """Seal a PDF (PAdES B-B, SHA-256) in one incremental update covering the whole file.

    The input is a PDF/A-2b from `samarbeid.pdf.render_pdf`: pyHanko writes the producer into
    the XMP metadata, so the document information dictionary gets the same producer (PDF/A
    requires the two to agree), in the same signed revision.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import VENDOR
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    info_ref = writer.trailer.raw_get("/Info")
    if isinstance(info_ref, generic.IndirectObject):
        info = info_ref.get_object()
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, name=SIGNER_NAME, reason=reason[:1000], location=location,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
    )
    out = _outside_event_loop(signers.sign_pdf, writer, meta, signer=_signer())
    return bytes(out.getvalue())


def _validation_context() -> Any:
    from pyhanko_certvalidator import ValidationContext

    roots = [cert for path in config().trust_roots if path.is_file()
             for cert in _pem_certificates(path)]
    # No fetching: a check must not wait on the network nor be steered to a URL by the file.
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def check_seal(content: bytes) -> SealCheck:
    """Is this file sealed by the portal and unchanged since? See the module docstring for
    why this is safe on untrusted input."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=True)
        signatures = reader.embedded_signatures
    except Exception:  # untrusted input: any parse failure means "not a readable PDF"
        return SealCheck(SealProblem.UNREADABLE)
    if not signatures:
        return SealCheck(SealProblem.NO_SEAL)
    try:
        status = _outside_event_loop(validate_pdf_signature, signatures[0],
                                     _validation_context(), skip_diff=True)
    except Exception as exc:  # a signature that cannot even be parsed was tampered with
        log.info("seal check failed: %s", type(exc).__name__)
        return SealCheck(SealProblem.ALTERED)
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    signed_at = status.signer_reported_dt
    if not (status.intact and status.valid):
        return SealCheck(SealProblem.ALTERED, signer, signed_at)
    if not status.trusted:
        return SealCheck(SealProblem.UNTRUSTED, signer, signed_at)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SealCheck(SealProblem.APPENDED, signer, signed_at)
    return SealCheck(None, signer, signed_at)


# --- A development CA and seal certificate (make run, tests) -------------------------------


@dataclass(frozen=True)
class DevSeal:
    ca_cert: Path
    cert: Path
    key: Path


def make_dev_seal(directory: Path, *, name: str = "Samarbeidsportalen (utvikling)",
                  overwrite: bool = False) -> DevSeal:
    """A CA and a seal certificate signed by it, for development and tests only.

    The seal certificate has the key usages a seal needs (digitalSignature and
    contentCommitment/non-repudiation); the CA may only issue. Keys are EC P-256, written
    unencrypted with mode 0600 — production uses an issued certificate and SEAL_KEY_PASSPHRASE.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    paths = DevSeal(ca_cert=directory / "ca-cert.pem", cert=directory / "seal-cert.pem",
                    key=directory / "seal-key.pem")
    if not overwrite and all(p.is_file() for p in (paths.ca_cert, paths.cert, paths.key)):
        return paths
    now = dt.datetime.now(dt.UTC)

    def subject(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                          x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    def usage(*, sign: bool, issue: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=sign, content_commitment=sign,
                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                             key_cert_sign=issue, crl_sign=issue, encipher_only=False,
                             decipher_only=False)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = subject(f"{name} CA")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(usage(sign=False, issue=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(subject(f"{name} segl"))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(sign=True, issue=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(paths.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return paths

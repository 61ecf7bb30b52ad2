"""The Noark 5 archive extract (issue 13, arkivlova): arkivstruktur.xml, endringslogg.xml and
arkivuttrekk.xml (ADDML 8.3) validate against Arkivverket's schemas and pass the Arkade 5
checks; exempt items carry skjerming with the legal basis; agreements are a saksmappe each
with a journalpost per signed version; the command and the button for administrators."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from politirad import archive, services
from politirad.models import PoliceCouncil
from samarbeid import access
from samarbeid import demo as core_demo
from samarbeid.archive import checks, noark5
from samarbeid.models import AuditAction, AuditEvent
from tests.avtaler.helpers import in_force_version

from . import helpers
from .records import BASIS, published_meeting

pytestmark = pytest.mark.django_db
N = {"n": noark5.NS}
START = dt.date(2020, 1, 1)


def _pdfa(title: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=f"<html lang='nb'><head><title>{title}</title></head><body>"
                             f"<p>{title}</p></body></html>").write_pdf(pdf_variant="pdf/a-2b"))


def _files(council: PoliceCouncil, reader: Any = None, **kwargs: Any) -> dict[str, bytes]:
    extract = archive.council_extract(council=council, start=START, end=timezone.localdate(),
                                      reader=access.principal(reader) if reader else None,
                                      **kwargs)
    return noark5.build(extract)


def _tree(files: dict[str, bytes], name: str = "arkivstruktur.xml") -> Any:
    return etree.fromstring(files[name])


def _codes(problems: list[str]) -> set[str]:
    return {p.split(" ", 1)[0] for p in problems}


# --- The demo council: valid, and the checks catch one wrong checksum or count ---------------


_DEMO: dict[str, bytes] = {}


@pytest.fixture
def demo_files(settings: Any, tmp_path: Any) -> dict[str, bytes]:
    """The demo council's extract, built once per run: the checks below change copies."""
    if not _DEMO:
        settings.MEDIA_ROOT = str(tmp_path / "media")
        core_demo.build()
        council = PoliceCouncil.objects.get(name="Politirådet i Stavanger")
        _DEMO.update(_files(council))
    return dict(_DEMO)


def test_the_demo_councils_extract_validates_and_passes_the_arkade_checks(
        demo_files: dict[str, bytes]) -> None:
    assert checks.schema_errors(demo_files) == []
    assert checks.check(demo_files) == []
    tree = _tree(demo_files)
    assert tree.xpath("count(//n:mappe[@xsi:type='moetemappe'])", namespaces={
        **N, "xsi": noark5.XSI}) >= 1
    assert tree.xpath("count(//n:mappe[@xsi:type='saksmappe'])", namespaces={
        **N, "xsi": noark5.XSI}) >= 1
    assert set(demo_files) >= {"arkivstruktur.xml", "endringslogg.xml", "arkivuttrekk.xml",
                               "arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd",
                               "addml.xsd"}
    assert any(n.startswith("dokumenter/") and n.endswith(".pdf") for n in demo_files)


def test_one_wrong_document_checksum_fails(demo_files: dict[str, bytes]) -> None:
    files = dict(demo_files)
    files["arkivstruktur.xml"] = re.sub(rb"<sjekksum>[0-9a-f]{64}</sjekksum>",
                                        b"<sjekksum>" + b"0" * 64 + b"</sjekksum>",
                                        files["arkivstruktur.xml"], count=1)
    problems = checks.check(files)
    assert "N5_30" in _codes(problems)  # the document's checksum
    assert "N5_02" in _codes(problems)  # and arkivstruktur.xml no longer matches the ADDML


def test_one_changed_document_fails(demo_files: dict[str, bytes]) -> None:
    files = dict(demo_files)
    name = next(n for n in files if n.startswith("dokumenter/"))
    files[name] = files[name] + b"\n"
    assert {"N5_30"} <= _codes(checks.check(files))


def test_one_wrong_count_fails(demo_files: dict[str, bytes]) -> None:
    addml = _tree(demo_files, "arkivuttrekk.xml")
    ns = {"a": noark5.NS_ADDML}
    value = addml.xpath("//a:property[@name='numberOfOccurrences'][a:value='registrering']"
                        "//a:property[@name='value']/a:value", namespaces=ns)[0]
    value.text = str(int(value.text) + 1)
    files = {**demo_files, "arkivuttrekk.xml": etree.tostring(addml, xml_declaration=True,
                                                              encoding="utf-8")}
    problems = checks.check(files)
    assert _codes(problems) == {"N5_10"}
    assert "registrering" in problems[0]


def test_a_wrong_addml_checksum_fails(demo_files: dict[str, bytes]) -> None:
    files = {**demo_files, "endringslogg.xml": demo_files["endringslogg.xml"] + b"\n"}
    assert "N5_02" in _codes(checks.check(files))


def test_missing_unreferenced_and_empty_files_fail(demo_files: dict[str, bytes]) -> None:
    name = next(n for n in demo_files if n.startswith("dokumenter/"))
    missing = {k: v for k, v in demo_files.items() if k != name}
    assert {"N5_32", "N5_10"} <= _codes(checks.check(missing))
    extra = {**demo_files, "dokumenter/ukjent.pdf": b"%PDF-1.7"}
    assert {"N5_33", "N5_10"} <= _codes(checks.check(extra))
    empty = {**demo_files, name: b""}
    assert "N5_64" in _codes(checks.check(empty))


def test_duplicate_system_ids_and_empty_elements_fail(demo_files: dict[str, bytes]) -> None:
    tree = _tree(demo_files)
    ids = tree.xpath("//n:systemID", namespaces=N)
    ids[1].text = ids[0].text
    files = {**demo_files, "arkivstruktur.xml": etree.tostring(tree, xml_declaration=True,
                                                               encoding="utf-8")}
    assert "N5_47" in _codes(checks.check(files))
    tree = _tree(demo_files)
    tree.xpath("//n:tittel", namespaces=N)[0].text = ""
    files = {**demo_files, "arkivstruktur.xml": etree.tostring(tree, xml_declaration=True,
                                                               encoding="utf-8")}
    assert {"N5_63", "N5_03"} <= _codes(checks.check(files))


# --- What the archive copy holds ------------------------------------------------------------


@pytest.fixture
def records(world: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    meeting = published_meeting(world)
    items = {i.number: i for i in meeting.agenda_items.all()}
    # Attachments are added before the minutes are approved in real life; the guards allow
    # adding them only then, so they go on a second published meeting's items instead.
    second = services.meeting_create(council=meeting.council, actor=world.police,
                                     place="Rådhuset",
                                     starts_at=timezone.now() - dt.timedelta(days=5))
    open_item = services.agenda_item_add(meeting=second, actor=world.police, title="Vedlegg",
                                         attachments=[SimpleUploadedFile(
                                             "plan.pdf", _pdfa("Plan"), "application/pdf")])
    services.attachment_add(item=open_item, actor=world.police, upload=SimpleUploadedFile(
        "notat.txt", b"Et notat.\n", "text/plain"))
    services.agenda_item_add(meeting=second, actor=world.police, title="HEMMELIG-TITTEL-2",
                             access_level="exempt", legal_basis=BASIS,
                             attachments=[SimpleUploadedFile(
                                 "HEMMELIG-VEDLEGG.pdf", _pdfa("HEMMELIG-INNHOLD"),
                                 "application/pdf")])
    helpers_member = helpers.member(meeting.council, world.police)
    services.attendance_record(meeting=second, actor=world.police,
                               statuses={helpers_member.pk: "present"})
    services.minutes_entry_save(meeting=second, agenda_item=open_item, actor=world.police,
                                notes="Notat", decisions=["Vedtak"])
    services.minutes_approve(minutes=second.minutes, actor=world.leader)
    return meeting, items, second


def test_exempt_items_carry_skjerming_and_the_minutes_keep_a_public_variant(
        records: Any) -> None:
    meeting, items, second = records
    files = _files(meeting.council, agreements=False)
    assert checks.check(files) == []
    tree = _tree(files)
    exempt = tree.xpath("//n:registrering[n:tittel='Sak 2: HEMMELIG-TITTEL']", namespaces=N)[0]
    assert exempt.findtext("n:skjerming/n:skjermingshjemmel", namespaces=N) == BASIS
    assert exempt.findtext("n:skjerming/n:tilgangsrestriksjon", namespaces=N) == "13"
    assert exempt.findtext("n:offentligTittel", namespaces=N) == f"Sak 2: Unntatt offentlighet ({BASIS})"
    internal = tree.xpath("//n:registrering[n:tittel='Sak 3: INTERN-TITTEL']", namespaces=N)[0]
    assert internal.find("n:skjerming", namespaces=N) is None
    assert "Intern sak" in internal.findtext("n:merknad/n:merknadstekst", namespaces=N)
    minutes = tree.xpath(f"//n:mappe[n:systemID='{noark5.system_id(f'politirad.meeting:{meeting.pk}')}']"
                         "/n:registrering[n:moeteregistreringstype='Møteprotokoll']",
                         namespaces=N)[0]
    variants = minutes.xpath(".//n:dokumentobjekt/n:variantformat/text()", namespaces=N)
    assert variants == ["Arkivformat", "Dokument hvor deler av innholdet er skjermet"]
    assert minutes.findtext("n:dokumentbeskrivelse/n:skjerming/n:skjermingDokument",
                            namespaces=N) == "Skjerming av deler av dokumentet"
    # The meeting folder: utvalg, date, place and participants.
    folder = minutes.getparent()
    assert folder.findtext("n:utvalg", namespaces=N) == meeting.council.name
    assert folder.findtext("n:moetested", namespaces=N) == "Rådhuset"
    assert len(folder.findall("n:moetedeltaker", namespaces=N)) == 4  # all were present
    # Attachments: a PDF/A as archive format, a text file as it was uploaded.
    formats = dict(zip(tree.xpath("//n:dokumentbeskrivelse[n:tilknyttetRegistreringSom="
                                  "'Vedlegg']/n:tittel/text()", namespaces=N),
                       tree.xpath("//n:dokumentbeskrivelse[n:tilknyttetRegistreringSom="
                                  "'Vedlegg']/n:dokumentobjekt/n:format/text()", namespaces=N),
                       strict=True))
    assert formats["plan.pdf"] == "fmt/477" and formats["notat.txt"] == "text/plain"
    assert formats["HEMMELIG-VEDLEGG.pdf"] == "fmt/477"  # the archive holds it, screened
    # The change log: corrections after approval, publishing, and the closed period.
    log = _tree(files, "endringslogg.xml")
    new_values = log.xpath("//e:nyVerdi/text()", namespaces={"e": noark5.NS_LOG})
    assert any("Åpen rettelse" in v for v in new_values)
    assert any("HEMMELIG-RETTELSE" in v for v in new_values)  # the members' version
    assert "Publisert" in new_values and "Avsluttet periode" in new_values
    addml = files["arkivuttrekk.xml"].decode()
    assert 'name="inneholderSkjermetInformasjon"' in addml and "<value>true</value>" in addml


def test_a_national_administrator_gets_no_exempt_content(records: Any, world: Any) -> None:
    meeting, _items, _second = records
    files = _files(meeting.council, reader=world.admin, agreements=False)
    assert checks.check(files) == []
    xml = (files["arkivstruktur.xml"] + files["endringslogg.xml"]).decode()
    assert "HEMMELIG" not in xml and "Taushetsbelagt" not in xml
    assert "Sak 2: Unntatt offentlighet" in xml and BASIS in xml
    assert "INTERN-TITTEL" in xml  # national administrators read internal content
    assert not [n for n in files if "HEMMELIG" in n]
    # The district administrator, a party, gets the members' version.
    full = _files(meeting.council, reader=world.chief, agreements=False)
    assert "HEMMELIG-TITTEL" in full["arkivstruktur.xml"].decode()


def test_agreements_are_a_saksmappe_with_a_journalpost_per_signed_version(
        world: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    version = in_force_version(world)
    council = helpers.make_council(world)
    files = _files(council)
    assert checks.check(files) == []
    version.refresh_from_db()
    tree = _tree(files)
    folder = tree.xpath("//n:mappe[@xsi:type='saksmappe']", namespaces={
        **N, "xsi": noark5.XSI})[0]
    entry = folder.find("n:registrering", namespaces=N)
    assert entry.get(f"{{{noark5.XSI}}}type") == "journalpost"
    assert entry.findtext("n:journalpostnummer", namespaces=N) == "1"
    obj = entry.find("n:dokumentbeskrivelse/n:dokumentobjekt", namespaces=N)
    assert obj.findtext("n:sjekksum", namespaces=N) == version.pdf_sha256
    assert obj.findtext("n:elektroniskSignatur/n:elektroniskSignaturVerifisert",
                        namespaces=N) == "Signatur påført og verifisert"
    assert {p.findtext("n:partNavn", namespaces=N) for p in entry.findall("n:part", namespaces=N)
            } == {s.name for s in version.signatures.all()}


# --- The command and the button ---------------------------------------------------------------


def test_the_command_writes_and_checks_the_extract(records: Any, tmp_path: Any,
                                                   capsys: Any) -> None:
    meeting, _items, _second = records
    out = tmp_path / "uttrekk"
    call_command("noark_extract", "--council", str(meeting.council_id), "--from", "2020-01-01",
                 "--to", timezone.localdate().isoformat(), "--output", str(out))
    printed = capsys.readouterr().out
    assert "no errors" in printed and "2 meetings" in printed
    files = noark5.read_folder(out)
    assert checks.check(files) == []
    assert (out / "arkivstruktur.xml").is_file() and (out / "dokumenter").is_dir()
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT,
                                      object_type="politirad.policecouncil").latest("pk")
    assert event.actor is None and event.summary.startswith("noark5 2020-01-01..")
    call_command("noark_extract", "--council", str(meeting.council_id), "--from", "2020-01-01",
                 "--to", timezone.localdate().isoformat(), "--output", str(out), "--zip")
    with zipfile.ZipFile(out.with_suffix(".zip")) as archive_zip:
        assert any(n.endswith("/arkivuttrekk.xml") for n in archive_zip.namelist())


def test_district_administrators_download_it_others_may_not(client: Any, records: Any,
                                                            world: Any) -> None:
    meeting, _items, _second = records
    url = reverse("politirad:archive_extract", args=[meeting.council_id])
    query = {"start": "2020-01-01", "end": timezone.localdate().isoformat()}
    client.force_login(world.chief)
    assert client.get(url).status_code == 200  # the form
    response = client.get(url, query)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive_zip:
        root = archive_zip.namelist()[0].split("/")[0]
        files = {n[len(root) + 1:]: archive_zip.read(n) for n in archive_zip.namelist()}
    assert checks.check(files) == []
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=world.chief).latest("pk")
    assert "HEMMELIG" not in event.summary and "meetings" in event.summary
    for user, status in ((world.leader, 403), (world.member, 403), (world.outsider, 404)):
        client.force_login(user)
        assert client.get(url, query).status_code == status
    client.force_login(world.chief)
    response = client.get(url, {"start": "2026-02-01", "end": "2026-01-01"})
    assert response.status_code == 200 and "end" in response.context["form"].errors

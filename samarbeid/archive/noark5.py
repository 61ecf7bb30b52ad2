"""Write a Noark 5 v5.0 archive extract from plain dataclasses.

The element order of every type follows `schemas/arkivstruktur.xsd` (a base type's elements,
then its extension's, e.g. `mappe` then `moetemappe`); the feature apps only say what is in
the archive. System IDs are UUIDs derived from a stable key per record (uuid5), so the same
meeting has the same systemID in every extract and no two records share one (Arkade N5_47).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from lxml import etree

NS = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
NS_LOG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
NS_ADDML = "http://www.arkivverket.no/standarder/addml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMAS = ("arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd", "addml.xsd")
DOCUMENT_DIR = "dokumenter"
SYSTEM_NAME = "Samarbeidsportalen"
# uuid5 namespace of the portal's systemIDs (fixed: changing it renames every record).
ID_NAMESPACE = uuid.UUID("4f1b7a52-6c1e-4a53-9a0e-5d2b8c61e0a7")

# Metadata values from the Noark 5 metadata catalogue.
PDFA_2B_PRONOM = "fmt/477"  # PRONOM: Acrobat PDF/A - Portable Document Format 2b
VARIANT_ARCHIVE = "Arkivformat"
VARIANT_PRODUCTION = "Produksjonsformat"
VARIANT_SCREENED = "Dokument hvor deler av innholdet er skjermet"
DOCUMENT_DONE = "Dokumentet er ferdigstilt"
MAIN_DOCUMENT = "Hoveddokument"
ATTACHMENT = "Vedlegg"

# A field of an extension type: a value, or nested fields (moetedeltaker, elektroniskSignatur).
Field = tuple[str, "str | int | dt.date | dt.datetime | list[Field]"]


@dataclass(frozen=True)
class Screening:
    """skjerming: what is kept from the public and on which legal basis (offentleglova)."""

    legal_basis: str  # skjermingshjemmel, e.g. "offl. § 13 jf. fvl. § 13"
    restriction: str  # tilgangsrestriksjon, e.g. "13" or "UO"
    metadata: tuple[str, ...] = ("tittel", "beskrivelse")  # skjermingMetadata
    document: str = ""  # skjermingDokument


@dataclass(frozen=True)
class Remark:
    text: str
    date: dt.datetime
    by: str
    kind: str = ""


@dataclass(frozen=True)
class Party:
    name: str
    role: str


@dataclass
class DocumentObject:
    file_name: str  # the name under dokumenter/
    content: bytes
    created: dt.datetime
    created_by: str
    variant: str = VARIANT_ARCHIVE
    format: str = PDFA_2B_PRONOM
    format_details: str = "PDF/A-2b (ISO 19005-2)"
    signature: list[Field] = field(default_factory=list)  # elektroniskSignatur


@dataclass
class DocumentDescription:
    key: str
    title: str
    doc_type: str
    created: dt.datetime
    created_by: str
    role: str = MAIN_DOCUMENT
    number: int = 1
    description: str = ""
    status: str = DOCUMENT_DONE
    screening: Screening | None = None
    signature: list[Field] = field(default_factory=list)
    objects: list[DocumentObject] = field(default_factory=list)


@dataclass
class Registration:
    key: str
    kind: str  # "moeteregistrering" | "journalpost" | "registrering"
    title: str
    created: dt.datetime
    created_by: str
    public_title: str = ""
    description: str = ""
    parts: list[Party] = field(default_factory=list)
    screening: Screening | None = None
    documents: list[DocumentDescription] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    extra: list[Field] = field(default_factory=list)  # the extension type's elements


@dataclass
class Folder:
    key: str
    kind: str  # "moetemappe" | "saksmappe" | "mappe"
    folder_id: str
    title: str
    created: dt.datetime
    created_by: str
    closed: dt.datetime
    closed_by: str
    public_title: str = ""
    description: str = ""
    parts: list[Party] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    screening: Screening | None = None
    registrations: list[Registration] = field(default_factory=list)
    extra: list[Field] = field(default_factory=list)


@dataclass
class ArchivePart:
    key: str
    title: str
    description: str
    start: dt.date
    end: dt.date
    folders: list[Folder] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """One entry of endringslogg.xml: a metadata change after registration."""

    target_key: str
    metadata: str
    changed_at: dt.datetime
    changed_by: str
    old: str
    new: str


@dataclass
class Archive:
    key: str
    title: str
    description: str
    creator_id: str
    creator_name: str
    made_by: str
    start: dt.date
    end: dt.date
    parts: list[ArchivePart] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    made_at: dt.datetime = field(default_factory=timezone.now)


def system_id(key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, key))


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# Parsing the extract's own XML back (counts, checks): no entities, no network.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
Element = Any  # lxml elements (lxml ships no type information)


class _Writer:
    """Elements in one namespace, which is the default namespace of the document (so that
    `xsi:type="moetemappe"` resolves to the arkivstruktur type)."""

    def __init__(self, ns: str) -> None:
        self.ns = ns

    def el(self, parent: Element | None, local: str, value: object = None, /,
           **attrs: str) -> Element:
        tag = f"{{{self.ns}}}{local}"
        if parent is None:
            node = etree.Element(tag, attrs, nsmap={None: self.ns, "xsi": XSI})
        else:
            node = etree.SubElement(parent, tag, attrs)
        if value is not None:
            node.text = _text(value)
        return node

    def opt(self, parent: Element, name: str, value: object) -> None:
        """An optional element: left out when empty (Arkade N5_63: no empty elements)."""
        if value not in (None, ""):
            self.el(parent, name, value)

    def fields(self, parent: Element, items: Sequence[Field]) -> None:
        for name, value in items:
            if isinstance(value, list):
                self.fields(self.el(parent, name), value)
            else:
                self.opt(parent, name, value)


def _xml(root: Element) -> bytes:
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True))


def _structure(archive: Archive, files: dict[str, bytes]) -> bytes:
    w = _Writer(NS)
    made, by = archive.made_at, archive.made_by
    root = w.el(None, "arkiv", **{f"{{{XSI}}}schemaLocation": f"{NS} arkivstruktur.xsd"})
    w.el(root, "systemID", system_id(archive.key))
    w.el(root, "tittel", archive.title)
    w.opt(root, "beskrivelse", archive.description)
    w.el(root, "arkivstatus", "Avsluttet")
    w.el(root, "dokumentmedium", "Elektronisk arkiv")
    w.el(root, "opprettetDato", made)
    w.el(root, "opprettetAv", by)
    w.el(root, "avsluttetDato", made)
    w.el(root, "avsluttetAv", by)
    creator = w.el(root, "arkivskaper")
    w.el(creator, "arkivskaperID", archive.creator_id)
    w.el(creator, "arkivskaperNavn", archive.creator_name)
    for part in archive.parts:
        node = w.el(root, "arkivdel")
        w.el(node, "systemID", system_id(part.key))
        w.el(node, "tittel", part.title)
        w.opt(node, "beskrivelse", part.description)
        w.el(node, "arkivdelstatus", "Avsluttet periode")
        w.el(node, "dokumentmedium", "Elektronisk arkiv")
        w.el(node, "opprettetDato", made)
        w.el(node, "opprettetAv", by)
        w.el(node, "avsluttetDato", made)
        w.el(node, "avsluttetAv", by)
        w.el(node, "arkivperiodeStartDato", part.start)
        w.el(node, "arkivperiodeSluttDato", part.end)
        for folder in part.folders:
            _folder(w, node, folder, files, archive)
    return _xml(root)


def _screening(w: _Writer, parent: Element, screening: Screening | None) -> None:
    if screening is None:
        return
    node = w.el(parent, "skjerming")
    w.el(node, "tilgangsrestriksjon", screening.restriction)
    w.el(node, "skjermingshjemmel", screening.legal_basis)
    for name in screening.metadata:
        w.el(node, "skjermingMetadata", name)
    w.opt(node, "skjermingDokument", screening.document)


def _parts(w: _Writer, parent: Element, parts: Iterable[Party]) -> None:
    for party in parts:
        node = w.el(parent, "part")
        w.el(node, "partNavn", party.name)
        w.el(node, "partRolle", party.role)


def _remarks(w: _Writer, parent: Element, remarks: Iterable[Remark]) -> None:
    for remark in remarks:
        node = w.el(parent, "merknad")
        w.el(node, "merknadstekst", remark.text)
        w.opt(node, "merknadstype", remark.kind)
        w.el(node, "merknadsdato", remark.date)
        w.el(node, "merknadRegistrertAv", remark.by)


def _folder(w: _Writer, parent: Element, folder: Folder, files: dict[str, bytes],
            archive: Archive) -> None:
    node = w.el(parent, "mappe", **({f"{{{XSI}}}type": folder.kind}
                                    if folder.kind != "mappe" else {}))
    w.el(node, "systemID", system_id(folder.key))
    w.el(node, "mappeID", folder.folder_id)
    w.el(node, "tittel", folder.title)
    w.opt(node, "offentligTittel", folder.public_title)
    w.opt(node, "beskrivelse", folder.description)
    w.el(node, "dokumentmedium", "Elektronisk arkiv")
    w.el(node, "opprettetDato", folder.created)
    w.el(node, "opprettetAv", folder.created_by)
    w.el(node, "avsluttetDato", folder.closed)
    w.el(node, "avsluttetAv", folder.closed_by)
    _parts(w, node, folder.parts)
    _remarks(w, node, folder.remarks)
    _screening(w, node, folder.screening)
    for registration in folder.registrations:
        _registration(w, node, registration, files, archive)
    w.fields(node, folder.extra)


def _registration(w: _Writer, parent: Element, reg: Registration, files: dict[str, bytes],
                  archive: Archive) -> None:
    node = w.el(parent, "registrering", **({f"{{{XSI}}}type": reg.kind}
                                           if reg.kind != "registrering" else {}))
    w.el(node, "systemID", system_id(reg.key))
    w.el(node, "opprettetDato", reg.created)
    w.el(node, "opprettetAv", reg.created_by)
    w.el(node, "arkivertDato", archive.made_at)
    w.el(node, "arkivertAv", archive.made_by)
    _parts(w, node, reg.parts)
    _screening(w, node, reg.screening)
    for document in reg.documents:
        _document(w, node, document, files)
    w.el(node, "tittel", reg.title)
    w.opt(node, "offentligTittel", reg.public_title)
    w.opt(node, "beskrivelse", reg.description)
    w.el(node, "dokumentmedium", "Elektronisk arkiv")
    _remarks(w, node, reg.remarks)
    w.fields(node, reg.extra)


def _document(w: _Writer, parent: Element, doc: DocumentDescription,
              files: dict[str, bytes]) -> None:
    node = w.el(parent, "dokumentbeskrivelse")
    w.el(node, "systemID", system_id(doc.key))
    w.el(node, "dokumenttype", doc.doc_type)
    w.el(node, "dokumentstatus", doc.status)
    w.el(node, "tittel", doc.title)
    w.opt(node, "beskrivelse", doc.description)
    w.el(node, "opprettetDato", doc.created)
    w.el(node, "opprettetAv", doc.created_by)
    w.el(node, "dokumentmedium", "Elektronisk arkiv")
    w.el(node, "tilknyttetRegistreringSom", doc.role)
    w.el(node, "dokumentnummer", doc.number)
    w.el(node, "tilknyttetDato", doc.created)
    w.el(node, "tilknyttetAv", doc.created_by)
    _screening(w, node, doc.screening)
    if doc.signature:
        w.fields(w.el(node, "elektroniskSignatur"), doc.signature)
    for version, obj in enumerate(doc.objects, start=1):
        path = f"{DOCUMENT_DIR}/{obj.file_name}"
        if path in files and files[path] != obj.content:
            raise ValueError(f"two different documents named {path}")
        files[path] = obj.content
        item = w.el(node, "dokumentobjekt")
        w.el(item, "systemID", system_id(f"{doc.key}:object:{version}"))
        w.el(item, "versjonsnummer", 1)
        w.el(item, "variantformat", obj.variant)
        w.el(item, "format", obj.format)
        w.opt(item, "formatDetaljer", obj.format_details)
        w.el(item, "opprettetDato", obj.created)
        w.el(item, "opprettetAv", obj.created_by)
        w.el(item, "referanseDokumentfil", path)
        w.el(item, "sjekksum", sha256(obj.content))
        w.el(item, "sjekksumAlgoritme", "SHA-256")
        w.el(item, "filstoerrelse", len(obj.content))
        if obj.signature:
            w.fields(w.el(item, "elektroniskSignatur"), obj.signature)


def _change_log(archive: Archive) -> bytes:
    w = _Writer(NS_LOG)
    root = w.el(None, "endringslogg", **{f"{{{XSI}}}schemaLocation": f"{NS_LOG} endringslogg.xsd"})
    for change in archive.changes:
        node = w.el(root, "endring")
        w.el(node, "referanseArkivenhet", system_id(change.target_key))
        w.el(node, "referanseMetadata", change.metadata)
        w.el(node, "endretDato", change.changed_at)
        w.el(node, "endretAv", change.changed_by)
        w.el(node, "tidligereVerdi", change.old)
        w.el(node, "nyVerdi", change.new)
    return _xml(root)


def count(xml: bytes, name: str, ns: str = NS) -> int:
    """How many elements of this name the file holds (the ADDML counts, N5_10–N5_28)."""
    return sum(1 for _ in etree.fromstring(xml, PARSER).iter(f"{{{ns}}}{name}"))


def _addml(archive: Archive, files: dict[str, bytes], screened: bool) -> bytes:
    w = _Writer(NS_ADDML)

    def prop(parent: Element, name: str, value: object = None, data_type: str = ""
             ) -> Element:
        attrs = {"name": name, **({"dataType": data_type} if data_type else {})}
        node = w.el(parent, "property", **attrs)
        if value is not None:
            w.el(node, "value", value)
        return node

    def props(parent: Element) -> Element:
        return w.el(parent, "properties")

    def file_props(parent: Element, name: str) -> None:
        file_node = props(prop(parent, "file"))
        prop(file_node, "name", name)
        prop(props(prop(file_node, "format", "XML")), "version", "1.0")
        checksum = props(prop(file_node, "checksum"))
        prop(checksum, "algorithm", "SHA-256")
        prop(checksum, "value", sha256(files[name]))

    def schema(parent: Element, name: str, main: bool) -> None:
        node = prop(parent, "schema", "main" if main else None)
        inner = props(node)
        file_props(inner, name)
        prop(props(prop(inner, "type", "XML Schema")), "version", "1.0")

    def occurrences(parent: Element, xml: bytes, names: Sequence[str], ns: str) -> None:
        info = props(prop(parent, "info"))
        for name in names:
            node = props(prop(info, "numberOfOccurrences", name))
            prop(node, "elementPath", f"//{name}")
            prop(node, "value", count(xml, name, ns), data_type="integer")

    root = w.el(None, "addml", name="Noark 5-arkivuttrekk",
                **{f"{{{XSI}}}schemaLocation": f"{NS_ADDML} addml.xsd"})
    dataset = w.el(root, "dataset")
    w.el(dataset, "description", archive.title)
    reference = w.el(dataset, "reference")
    context = w.el(w.el(reference, "context"), "additionalElements")
    creators = w.el(context, "additionalElement", name="recordCreators")
    creator = w.el(w.el(creators, "additionalElements"), "additionalElement",
                   name="recordCreator")
    w.el(creator, "value", archive.creator_name)
    for name, value in (("systemType", "Møtebehandling og avtaler (Noark 5)"),
                        ("systemName", SYSTEM_NAME), ("archive", archive.title)):
        w.el(w.el(context, "additionalElement", name=name), "value", value)
    content = w.el(w.el(reference, "content"), "additionalElements")
    period = props(w.el(content, "additionalElement", name="archivalPeriod"))
    prop(period, "startDate", archive.start)
    prop(period, "endDate", archive.end)

    documents = [n for n in files if n.startswith(f"{DOCUMENT_DIR}/")]
    objects = w.el(dataset, "dataObjects")
    extract = w.el(objects, "dataObject", name="Noark 5-arkivuttrekk")
    info = props(prop(props(extract), "info"))
    prop(props(prop(info, "type", "Noark 5")), "version", "5.0")
    extra = props(prop(info, "additionalInfo"))
    boundaries = props(prop(extra, "periode"))
    prop(boundaries, "inngaaendeSkille", "skarpt")
    prop(boundaries, "utgaaendeSkille", "skarpt")
    prop(extra, "inneholderSkjermetInformasjon", str(screened).lower(), "boolean")
    prop(extra, "omfatterDokumenterSomErKassert", "false", "boolean")
    prop(extra, "inneholderDokumenterSomSkalKasseres", "false", "boolean")
    prop(extra, "inneholderVirksomhetsspesifikkeMetadata", "false", "boolean")
    prop(extra, "antallDokumentfiler", len(documents), "integer")
    inner = w.el(extract, "dataObjects")
    structure = props(w.el(inner, "dataObject", name="arkivstruktur"))
    file_props(structure, "arkivstruktur.xml")
    schema(structure, "arkivstruktur.xsd", True)
    schema(structure, "metadatakatalog.xsd", False)
    occurrences(structure, files["arkivstruktur.xml"],
                ("mappe", "registrering", "dokumentbeskrivelse", "dokumentobjekt"), NS)
    log = props(w.el(inner, "dataObject", name="endringslogg"))
    file_props(log, "endringslogg.xml")
    schema(log, "endringslogg.xsd", True)
    schema(log, "metadatakatalog.xsd", False)
    occurrences(log, files["endringslogg.xml"], ("endring",), NS_LOG)
    return _xml(root)


def build(archive: Archive) -> dict[str, bytes]:
    """Every file of the extract by its path inside the extract folder."""
    files: dict[str, bytes] = {}
    files["arkivstruktur.xml"] = _structure(archive, files)
    files["endringslogg.xml"] = _change_log(archive)
    for name in SCHEMAS:
        files[name] = (SCHEMA_DIR / name).read_bytes()
    screened = count(files["arkivstruktur.xml"], "skjerming") > 0
    files["arkivuttrekk.xml"] = _addml(archive, files, screened)
    return files


def write_folder(files: dict[str, bytes], folder: Path) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def zip_bytes(files: dict[str, bytes], folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(f"{folder}/{name}", files[name])
    return buffer.getvalue()


def read_folder(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)).replace("\\", "/"): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}

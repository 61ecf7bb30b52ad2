"""The checks Arkade 5 runs on a Noark 5 extract, for the files of one extract.

Arkade (Arkivverket's validator) is a .NET program; these are its Noark 5 tests that can be
answered from the files alone, named by Arkade's numbers:

- N5_03  every XML file validates against its schema (arkivstruktur, endringslogg, ADDML);
- N5_02  the checksums in arkivuttrekk.xml match the files;
- N5_10–N5_28  the counts of mapper, registreringer, dokumentbeskrivelser, dokumentobjekter
         and endringer stated in arkivuttrekk.xml add up, and so does the number of
         document files;
- N5_30  every dokumentobjekt's checksum (SHA-256) and size match its file;
- N5_32  every file a dokumentobjekt refers to exists;
- N5_33  every file in dokumenter/ is referred to;
- N5_47  every systemID is unique;
- N5_63  no element is empty;
- N5_64  no document file is empty.

Beyond Arkade's file checks, every document must claim PDF/A-2 (Arkade runs veraPDF, which is
not available here: the claim, the output intent and embedded fonts are checked in
tests/core/test_pdfa.py). `check` returns the problems found: an empty list is a pass.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections import Counter
from collections.abc import Mapping
from typing import Any

from lxml import etree

from .noark5 import DOCUMENT_DIR, NS, NS_ADDML, NS_LOG, PARSER, SCHEMA_DIR

# What Arkade 5 accepts as archive format (it validates each with veraPDF).
ACCEPTED_PDFA = {("1", "A"), ("1", "B"), ("2", "A"), ("2", "B"), ("2", "U")}


def pdfa_claim(content: bytes) -> tuple[str, str] | None:
    """(part, conformance) from a PDF's XMP `pdfaid`, or None."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(content)) as pdf, pdf.open_metadata() as meta:
            part = meta.get("pdfaid:part")
            conformance = meta.get("pdfaid:conformance")
    except Exception:  # not a PDF pikepdf can read
        return None
    return (str(part), str(conformance).upper()) if part else None


@functools.cache
def schema(name: str) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA_DIR / name))


SCHEMA_OF = {"arkivstruktur.xml": "arkivstruktur.xsd", "endringslogg.xml": "endringslogg.xsd",
             "arkivuttrekk.xml": "addml.xsd"}


def schema_errors(files: Mapping[str, bytes]) -> list[str]:
    """N5_03: schema validation of every XML file of the extract."""
    problems = []
    for xml_name, xsd in SCHEMA_OF.items():
        if xml_name not in files:
            problems.append(f"N5_03 {xml_name} is missing")
            continue
        for error in schema(xsd).iter_errors(io.BytesIO(files[xml_name])):
            problems.append(f"N5_03 {xml_name}: {error.reason} at {error.path}")
    return problems


def _tag(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _addml_files(root: Any) -> dict[str, str]:
    """{file name: SHA-256} for every `file` property in arkivuttrekk.xml."""
    out = {}
    for prop in root.iter(_tag(NS_ADDML, "property")):
        if prop.get("name") != "file":
            continue
        values = {p.get("name"): p.findtext(_tag(NS_ADDML, "value"))
                  for p in prop.iter(_tag(NS_ADDML, "property"))}
        if values.get("name"):
            out[values["name"]] = values.get("value") or ""
    return out


def _addml_counts(root: Any) -> dict[str, int]:
    """{element name: count} from the numberOfOccurrences properties, and the number of
    document files (antallDokumentfiler)."""
    counts: dict[str, int] = {}
    for prop in root.iter(_tag(NS_ADDML, "property")):
        name = prop.get("name")
        if name == "numberOfOccurrences":
            element = prop.findtext(_tag(NS_ADDML, "value"))
            for inner in prop.iter(_tag(NS_ADDML, "property")):
                if inner.get("name") == "value":
                    counts[element or ""] = int(inner.findtext(_tag(NS_ADDML, "value")) or -1)
        elif name == "antallDokumentfiler":
            counts["<document files>"] = int(prop.findtext(_tag(NS_ADDML, "value")) or -1)
    return counts


def check(files: Mapping[str, bytes]) -> list[str]:
    problems = schema_errors(files)
    if any(name not in files for name in SCHEMA_OF):
        return problems
    structure = etree.fromstring(files["arkivstruktur.xml"], PARSER)
    changes = etree.fromstring(files["endringslogg.xml"], PARSER)
    addml = etree.fromstring(files["arkivuttrekk.xml"], PARSER)

    # N5_02: the checksums in arkivuttrekk.xml.
    listed = _addml_files(addml)
    for name in ("arkivstruktur.xml", "endringslogg.xml"):
        if name not in listed:
            problems.append(f"N5_02 {name} is not listed in arkivuttrekk.xml")
    for name, digest in listed.items():
        if name not in files:
            problems.append(f"N5_02 {name} is listed in arkivuttrekk.xml but missing")
        elif hashlib.sha256(files[name]).hexdigest() != digest.lower():
            problems.append(f"N5_02 the checksum of {name} in arkivuttrekk.xml is wrong")

    # N5_10–N5_28: the counts.
    documents = {n for n in files if n.startswith(f"{DOCUMENT_DIR}/")}
    actual = {name: sum(1 for _ in structure.iter(_tag(NS, name)))
              for name in ("mappe", "registrering", "dokumentbeskrivelse", "dokumentobjekt")}
    actual["endring"] = sum(1 for _ in changes.iter(_tag(NS_LOG, "endring")))
    actual["<document files>"] = len(documents)
    stated = _addml_counts(addml)
    for name, number in actual.items():
        if name not in stated:
            problems.append(f"N5_10 arkivuttrekk.xml states no count of {name}")
        elif stated[name] != number:
            problems.append(f"N5_10 arkivuttrekk.xml states {stated[name]} {name}, the extract "
                            f"holds {number}")

    # N5_30, N5_32, N5_33, N5_64: the documents.
    referenced = set()
    for obj in structure.iter(_tag(NS, "dokumentobjekt")):
        path = obj.findtext(_tag(NS, "referanseDokumentfil")) or ""
        referenced.add(path)
        if path not in files:
            problems.append(f"N5_32 {path} is referred to but missing")
            continue
        content = files[path]
        if hashlib.sha256(content).hexdigest() != (obj.findtext(_tag(NS, "sjekksum")) or "").lower():
            problems.append(f"N5_30 the checksum of {path} is wrong")
        if obj.findtext(_tag(NS, "sjekksumAlgoritme")) != "SHA-256":
            problems.append(f"N5_30 {path}: the checksum algorithm is not SHA-256")
        if str(len(content)) != obj.findtext(_tag(NS, "filstoerrelse")):
            problems.append(f"N5_30 the size of {path} is wrong")
        if not content:
            problems.append(f"N5_64 {path} is empty")
        elif obj.findtext(_tag(NS, "variantformat")) != "Produksjonsformat" \
                and pdfa_claim(content) not in ACCEPTED_PDFA:
            problems.append(f"PDF/A {path} is not PDF/A-1a/1b/2a/2b/2u: {pdfa_claim(content)}")
    for path in sorted(documents - referenced):
        problems.append(f"N5_33 {path} is in the extract but not referred to")

    # N5_47: unique systemIDs.
    ids = Counter(node.text for node in structure.iter(_tag(NS, "systemID")))
    problems += [f"N5_47 systemID {value} is used {n} times" for value, n in ids.items() if n > 1]

    # N5_63: no empty elements.
    for root, name in ((structure, "arkivstruktur.xml"), (changes, "endringslogg.xml"),
                       (addml, "arkivuttrekk.xml")):
        for node in root.iter():
            if len(node) == 0 and not (node.text or "").strip() and not node.attrib:
                problems.append(f"N5_63 {name}: empty element {etree.QName(node).localname}")
    return problems

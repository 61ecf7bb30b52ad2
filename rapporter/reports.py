"""Status of the cooperation across municipalities, built only on the compliance registry.

Every app registers one check per rule of the guide (`samarbeid.compliance`); a report
evaluates all of them for the municipalities the user may see, in a fixed number of queries
whatever their number (each check batches its own reads), and adds up counts, shares of
municipalities and shares of the population — the guide itself reports SLT coverage as a
share of the population (§6).

Scope (`samarbeid.access.municipalities`): a national administrator sees every municipality,
a district administrator their district, police leadership their unit, municipal users their
own municipality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, urlencode

from django.db.models import QuerySet
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from samarbeid import access, compliance
from samarbeid.compliance import Check, Finding, Status
from samarbeid.models import County, Municipality, PoliceDistrict

# Worst first: the colour of a municipality is its worst finding (declined is legitimate, §2.3).
SEVERITY = [Status.FAIL, Status.WARN, Status.OK, Status.DECLINED, Status.NOT_APPLICABLE]
STATUSES = [Status.OK, Status.WARN, Status.FAIL, Status.DECLINED, Status.NOT_APPLICABLE]
OVERALL = "overall"
_NOT_APPLICABLE = Finding(Status.NOT_APPLICABLE)


@lru_cache(maxsize=8192)
def _number(value: float, digits: int, language: str | None) -> str:
    """floatformat, as the templates used it, for the language (memoised: a report formats
    the same few shares hundreds of times)."""
    return str(floatformat(value, digits))


def _pct(value: float, digits: int) -> str:
    return _number(round(value, 6), digits, get_language())


def overall_status(findings: list[Finding]) -> Status:
    present = {f.status for f in findings}
    for status in SEVERITY:
        if status in present:
            return status
    return Status.NOT_APPLICABLE


@dataclass
class Cell:
    count: int
    total: int
    population: int
    total_population: int
    url: str = ""

    @property
    def share(self) -> float:
        return 100.0 * self.count / self.total if self.total else 0.0

    @property
    def population_share(self) -> float:
        return 100.0 * self.population / self.total_population if self.total_population else 0.0

    # The cells are built here, not in a sub-template per cell: including a template for
    # each of the national report's 258 cells was half its rendering time (issue #12). The
    # markup and the texts are those the templates had.

    @property
    def html(self) -> SafeString:
        """The count, linked to what it counts, with both shares (a totals cell)."""
        link = format_html('<a href="{}">{}</a>', self.url, self.count)
        if not self.count:
            return link
        text = gettext("%(share)s %%, %(pop)s %% pop.") % {
            "share": _pct(self.share, 1), "pop": _pct(self.population_share, 1)}
        return format_html('{} <span class="small text-muted text-nowrap">({})</span>',
                           link, text)

    @property
    def ok_html(self) -> SafeString:
        """The count, linked, with the share of the population (a group's cell)."""
        link = format_html('<a href="{}">{}</a>', self.url, self.count)
        if not self.count:
            return link
        text = gettext("%(pop)s %% pop.") % {"pop": _pct(self.population_share, 0)}
        return format_html('{} <span class="small text-muted">({})</span>', link, text)


@dataclass
class Row:
    municipality: Municipality
    findings: list[Finding]
    overall: Status
    by_code: dict[str, Finding] = field(default_factory=dict)
    # The status per check and then the overall one, in the order of the report's checks.
    statuses: tuple[str, ...] = ()

    def status_for(self, code: str) -> Status:
        if code == OVERALL:
            return self.overall
        finding = self.by_code.get(code)
        return finding.status if finding else Status.NOT_APPLICABLE


@dataclass
class Group:
    """A police district or a county with, per check, how many municipalities meet it."""

    key: str
    name: str
    url: str
    municipalities: int
    population: int
    ok_cells: list[Cell]
    overall_ok: Cell
    # The overall status of the group's municipalities, one cell per status (STATUSES order),
    # for the compact distribution column (issue #14: one bar, not a wall of zeros).
    overall_cells: list[Cell] = field(default_factory=list)

    @property
    def distribution(self) -> list[dict[str, Any]]:
        return segments(self.overall_cells)

    @property
    def distribution_by_population(self) -> list[dict[str, Any]]:
        return segments(self.overall_cells, by_population=True)


@dataclass
class Report:
    checks: list[Check]
    rows: list[Row]
    filters: dict[str, str]
    totals: list[tuple[Check | None, list[Cell]]] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    group_by: str = ""

    @property
    def population(self) -> int:
        return sum(r.municipality.population or 0 for r in self.rows)


def visible_municipalities(user: Any) -> QuerySet[Municipality]:
    return access.municipalities(user).select_related("county", "police_district")


def visible_districts(user: Any) -> QuerySet[PoliceDistrict]:
    """The police districts the user sees at least one municipality of (the map's filter)."""
    return PoliceDistrict.objects.filter(
        pk__in=access.municipalities(user).values("police_district")).order_by("name")


def list_url(filters: dict[str, str], check: str, status: str) -> str:
    """The filtered municipality list a cell counts (each cell links to what it counts)."""
    return _list_prefix(filters) + urlencode({"check": check, "status": status})


def _list_prefix(filters: dict[str, str]) -> str:
    params = {k: v for k, v in filters.items() if v}
    return reverse("rapporter:report_list") + "?" + (urlencode(params) + "&" if params else "")


def _rows(qs: QuerySet[Municipality], checks: list[Check]) -> list[Row]:
    municipalities = list(qs.order_by("name", "number"))
    if not municipalities:
        return []
    # The checks get the scoped queryset itself (a subquery), not a list of 357 ids: each
    # check runs its own batch query, and PostgreSQL plans a join faster than a long IN list.
    # All registered checks (codes=None) so the core's per-municipality cache is used.
    results = compliance.evaluate(qs.select_related(None).order_by())
    rows = []
    for m in municipalities:
        found = results.get(m.pk, {})
        findings = [found.get(c.code) or _NOT_APPLICABLE for c in checks]
        overall = overall_status(findings)
        rows.append(Row(m, findings, overall,
                        {c.code: f for c, f in zip(checks, findings, strict=True)},
                        (*(f.status.value for f in findings), overall.value)))
    return rows


def _tally(rows: list[Row], codes: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(check code, status) → (municipalities, population), in one pass over the rows.
    `codes` are the report's check codes followed by OVERALL (the order of Row.statuses)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        pop = r.municipality.population or 0
        for code, status in zip(codes, r.statuses, strict=True):
            entry = counts.get((code, status))
            if entry is None:
                counts[(code, status)] = [1, pop]
            else:
                entry[0] += 1
                entry[1] += pop
    return {key: (n, p) for key, (n, p) in counts.items()}


def _cells(rows: list[Row], codes: list[str], statuses: list[Status],
           filters: dict[str, str], wanted: list[str] | None = None,
           counts: dict[tuple[str, str], tuple[int, int]] | None = None
           ) -> dict[str, list[Cell]]:
    if counts is None:
        counts = _tally(rows, codes)
    total_pop = sum(r.municipality.population or 0 for r in rows)
    prefix = _list_prefix(filters)

    def cell(code: str, status: str) -> Cell:
        count, population = counts.get((code, status), (0, 0))
        return Cell(count, len(rows), population, total_pop,
                    f"{prefix}check={quote_plus(code)}&status={quote_plus(str(status))}")

    return {code: [cell(code, s) for s in statuses] for code in (wanted or codes)}


def build(user: Any, *, district: PoliceDistrict | None = None, county: County | None = None,
          group_by: str = "district") -> Report:
    """The report for what `user` may see, narrowed to a district and/or a county."""
    qs = visible_municipalities(user)
    filters: dict[str, str] = {}
    if district is not None:
        qs = qs.filter(police_district=district)
        filters["district"] = district.code
    if county is not None:
        qs = qs.filter(county=county)
        filters["county"] = county.number
    checks = compliance.checks()
    rows = _rows(qs, checks)
    report = Report(checks=checks, rows=rows, filters=filters)
    codes = [c.code for c in checks] + [OVERALL]
    cells = _cells(rows, codes, STATUSES, filters)
    report.totals = [(c, cells[c.code]) for c in checks] + [(None, cells[OVERALL])]
    if county is None:
        report.group_by = "county" if district is not None or group_by == "county" else "district"
        report.groups = _groups(rows, checks, filters, report.group_by)
    return report


def _groups(rows: list[Row], checks: list[Check], filters: dict[str, str],
            by: str) -> list[Group]:
    buckets: dict[Any, list[Row]] = {}
    for r in rows:
        key = r.municipality.police_district if by == "district" else r.municipality.county
        buckets.setdefault(key, []).append(r)
    groups = []
    codes = [c.code for c in checks] + [OVERALL]
    for key, members in sorted(buckets.items(), key=lambda kv: kv[0].name):
        if by == "district":
            gf = {**filters, "district": key.code}
            url = reverse("rapporter:report_district", args=[key.code])
            gkey = key.code
        else:
            gf = {**filters, "county": key.number}
            url = reverse("rapporter:report_county", args=[key.number])
            if "district" in filters:
                url += "?" + urlencode({"district": filters["district"]})
            gkey = key.number
        counts = _tally(members, codes)
        ok = _cells(members, codes, [Status.OK], gf, counts=counts)
        overall = _cells(members, codes, STATUSES, gf, [OVERALL], counts=counts)[OVERALL]
        groups.append(Group(
            key=gkey, name=key.name, url=url, municipalities=len(members),
            population=sum(r.municipality.population or 0 for r in members),
            ok_cells=[ok[c.code][0] for c in checks], overall_ok=ok[OVERALL][0],
            overall_cells=overall,
        ))
    return groups


def segments(cells: list[Cell], by_population: bool = False) -> list[dict[str, Any]]:
    """One stacked bar: a segment per status present (cells in STATUSES order), offsets and
    widths as percentages of the bar, with the count and both shares for its text."""
    offset = 0.0
    out = []
    for status, cell in zip(STATUSES, cells, strict=True):
        width = cell.population_share if by_population else cell.share
        if cell.count:
            out.append({"status": status.value, "x": round(offset, 2), "width": round(width, 2),
                        "count": cell.count, "share": cell.share,
                        "population_share": cell.population_share, "url": cell.url,
                        "label": compliance.STATUS_LABELS[status]})
            offset += width
    return out


def chart_bars(report: Report, by_population: bool = False) -> list[dict[str, Any]]:
    """Stacked bars per rule (share of municipalities, or of the population, per status),
    for a server-side SVG chart."""
    return [{"label": check.label if check else _("Overall"),
             "segments": segments(cells, by_population)} for check, cells in report.totals]


def filtered_rows(report: Report, check: str, status: str, q: str = "") -> list[Row]:
    """Rows behind one cell (and a name/number search); an unknown check or status selects
    nothing."""
    codes = {c.code for c in report.checks} | {OVERALL}
    if check and check not in codes:
        return []
    if status and status not in {s.value for s in STATUSES}:
        return []
    rows = report.rows
    if check and status:
        rows = [r for r in rows if r.status_for(check) == status]
    if q:
        needle = q.strip().lower()
        rows = [r for r in rows if needle in r.municipality.name.lower()
                or r.municipality.number.startswith(needle)]
    return rows


# --- Tables for export: the same rows the pages show -----------------------------------


def table_totals(report: Report) -> tuple[list[str], list[list[Any]]]:
    header = [str(_("Rule"))]
    pop = str(_("population share (%)"))
    for s in STATUSES:
        label = str(compliance.STATUS_LABELS[s])
        header += [label, label + " %", label + " " + pop]
    body = []
    for check, cells in report.totals:
        name = str(check.label) if check else str(_("Overall"))
        line: list[Any] = [name]
        for cell in cells:
            line += [cell.count, round(cell.share, 1), round(cell.population_share, 1)]
        body.append(line)
    return header, body


def table_groups(report: Report) -> tuple[list[str], list[list[Any]]]:
    first = _("Police district") if report.group_by == "district" else _("County")
    header = [str(first), str(_("Municipalities")), str(_("Population"))]
    met = str(_("met"))
    pop = str(_("population share (%)"))
    for c in report.checks:
        header += [str(c.label) + ": " + met, str(c.label) + ": " + pop]
    header += [str(_("All rules met")), str(_("All rules met")) + ": " + pop]
    body = []
    for g in report.groups:
        line: list[Any] = [g.name, g.municipalities, g.population]
        for cell in [*g.ok_cells, g.overall_ok]:
            line += [cell.count, round(cell.population_share, 1)]
        body.append(line)
    return header, body


def table_municipalities(report: Report, rows: list[Row] | None = None
                         ) -> tuple[list[str], list[list[Any]]]:
    header = [str(_("Number")), str(_("Municipality")), str(_("County")),
              str(_("Police district")), str(_("Population"))]
    header += [str(c.label) for c in report.checks] + [str(_("Overall"))]
    body = []
    for r in report.rows if rows is None else rows:
        m = r.municipality
        body.append([m.number, m.name, m.county.name, m.police_district.name, m.population or 0,
                     *[str(f.label) for f in r.findings],
                     str(compliance.STATUS_LABELS[r.overall])])
    return header, body

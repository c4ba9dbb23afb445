"""Import an already-published report (.docx, .html, .txt) into the report model.

The numbers of tables 二, 三 and 四 are read cell by cell against the format description;
what cannot be placed is reported (I1) and left out, what drifts from the official
format is reported (I2). ``audit`` then runs the year's sum rules on what was read.
"""

from __future__ import annotations

from pathlib import Path

from make_report.checks.headings import check_headings
from make_report.checks.validate import check_equation, validate
from make_report.core.errors import InputError
from make_report.core.findings import Finding, Findings
from make_report.core.model import Entry, Report
from make_report.core.spec import REPORT_TITLE, BlockTable, Format
from make_report.formats import FORMATS, get_format
from make_report.importer import tables
from make_report.importer.document import (
    Layout,
    compact,
    entries,
    find_layout,
    guess_year,
    numbering,
    numeral,
    paragraphs,
)
from make_report.importer.result import Collector, ImportResult
from make_report.importer.source import Source, load
from make_report.importer.unglue import unglue
from make_report.importer.walk import region_text, tokenize
from make_report.rules import finding

TABLE_SECTIONS = frozenset(s.key for f in FORMATS.values() for s in f.sections if s.table)


def import_report(path: str | Path, *, agency: str | None = None, year: int | None = None,
                  format_id: str | None = None) -> ImportResult:
    """Read a published report; ``agency``/``year``/``format_id`` override what it says."""
    path = Path(path)
    source = unglue(load(path))
    layout = find_layout(source.lines)
    if not layout.sections and layout.year is None:
        raise InputError(f"{path.name}:未找到报告标题或“一、总体情况”等章节标题,"
                         f"不像是{REPORT_TITLE},无法导入。")
    notes = Findings()
    year = year or layout.year or _guessed_year(source, notes, path)
    tokens = {s.key: tokenize(source.lines[s.start:s.end], s.start)
              for s in reversed(layout.sections) if s.key in TABLE_SECTIONS}
    fmt = _format(format_id, tokens.get("active_disclosure", []), year, notes)
    out = Collector(fmt)
    narrative = _narrative(source, layout, fmt, notes)
    # paragraphs with their wrapped lines joined, as the T1 claims read them
    out.narrative = [p for entries_ in narrative.values() for e in entries_
                     for p in ([e.heading] if e.heading else []) + e.paragraphs]
    variant = _read_tables(out, fmt, tokens)
    report = Report(fmt, agency or _agency(layout, notes), year, layout.date,
                    _lead(source, layout), "", out.values, narrative)
    _date_notes(layout, notes)
    findings = Findings()
    findings.extend(notes)
    findings.extend(out.findings)
    headings, numbers = _headings(source, layout, fmt)
    result = ImportResult(report, findings, out.unread_keys(), out.labels, out.blank, out.extra,
                          path, variant, headings=headings, numbering=numbers,
                          absent=frozenset(out.absent), failed=frozenset(out.failed),
                          leftover=out.leftover)
    findings.extend(completeness(result))
    return result


MAX_ROWS_NAMED = 6
"""Rows a P1 sentence names before it says 等 N 行."""


def completeness(result: ImportResult) -> list[Finding]:
    """P1 for each table the import could not read completely: which rows, how many cells."""
    fmt = result.report.format
    missing = set(result.incomplete)
    out = []
    for table in fmt.tables:
        rows: dict[str, list[str]] = {}
        for f in table.fields:
            if f.key in missing:
                rows.setdefault(f.row, []).append(f.key)
        name = fmt.table_name(table.key)
        extra = result.leftover.get(table.key)
        if extra:
            shown = "、".join(extra[:MAX_ROWS_NAMED]) + ("等" if len(extra) > MAX_ROWS_NAMED else "")
            out.append(finding("P1", name, kind="extra", table=table.key, count=len(extra),
                               numbers=shown))
        if not rows:
            continue
        total = sum(len(keys) for keys in rows.values())
        what = ""
        if total < len(table.fields):
            labels = {f.row: f.row_label for f in table.fields}
            width = {r: sum(1 for f in table.fields if f.row == r) for r in rows}
            named = [f"“{labels[r]}”" + (f"({len(k)} 格)" if len(k) < width[r] else "")
                     for r, k in list(rows.items())[:MAX_ROWS_NAMED]]
            more = f"等 {len(rows)} 行" if len(rows) > MAX_ROWS_NAMED else ""
            what = f"{'、'.join(named)}{more}"
        blank = sum(1 for keys in rows.values() for k in keys if k in result.blank)
        kind = ("rows" if what else "whole") + ("_blanks" if blank else "")
        out.append(finding("P1", name, kind=kind, table=table.key,
                           fields=tuple(k for keys in rows.values() for k in keys),
                           rows=what, total=total, blank=blank))
    return out


def _headings(source: Source, layout: Layout, fmt: Format) -> tuple[list, dict]:
    """What the heading rules (C9–C11) need: the first-level headings as written, and the
    numbering of the (一) lines of each narrative section."""
    headings = [(s.key, compact(s.heading), numeral(s.heading)) for s in layout.sections]
    narrative = {s.key for s in fmt.narrative_sections}
    numbers: dict[str, list[str]] = {}
    for s in layout.sections:
        if s.key in narrative:
            numbers.setdefault(s.key, []).extend(numbering(source.lines[s.start:s.end]))
    return headings, numbers


def _guessed_year(source: Source, notes: Findings, path: Path) -> int:
    year = guess_year(source.lines)
    if year is None:
        raise InputError(f"{path.name}:未找到报告标题,也无法从正文判断报告年度,请指定年度。")
    notes.add(finding("I2", kind="no_title", title=REPORT_TITLE, year=year))
    return year


def _agency(layout: Layout, notes: Findings) -> str:
    if layout.agency:
        return layout.agency
    if layout.signer:
        notes.add(finding("I3", kind="agency_from_signer", signer=layout.signer))
        return layout.signer
    notes.add(finding("I2", kind="no_agency"))
    return ""


def _format(format_id: str | None, tokens: list, year: int, notes: Findings) -> Format:
    """The format table 二 shows; a format that does not cover the year is drift (I2)."""
    if format_id:
        return get_format(format_id)
    fmt, by_labels = tables.choose_format(region_text(tokens), year)
    if by_labels and not fmt.covers(year):
        notes.add(finding("I2", kind="format_year", year=year, format=fmt.name))
    return fmt


def _read_tables(out: Collector, fmt: Format, tokens: dict) -> str | None:
    """Read the three tables; the id of the format whose table 三 rows the report uses,
    when that is not its own format."""
    for section in fmt.sections:
        if section.table and section.key not in tokens:
            keys = tuple(f.key for f in fmt.table(section.table).fields)
            out.note("I1", "no_section", "", section.table, keys, section=section.title,
                     number=section.number)
    active = fmt.table("active_disclosure")
    assert isinstance(active, BlockTable)
    if "active_disclosure" in tokens:
        tables.block_notes(out, active, tokens["active_disclosure"])
        tables.read_rows(out, active.key, tokens["active_disclosure"], tables.block_specs(active))
    variant = None
    if "applications" in tokens:
        variant = _read_applications(out, fmt, tokens["applications"])
    if "review_litigation" in tokens:
        tables.read_review(out, fmt, tokens["review_litigation"])
    return variant


def _read_applications(out: Collector, fmt: Format, tokens: list) -> str | None:
    table = tables.grid_table(fmt, "applications")
    rows = tables.application_rows(fmt, region_text(tokens))
    tables.grid_notes(out, table, tokens)
    tables.read_rows(out, table.key, tokens, tables.grid_specs(table, rows))
    if rows == table.rows:
        return None
    theirs = next(f for f in FORMATS.values() if tables.grid_table(f, "applications").rows == rows)
    lost = [r for r in table.rows if r not in rows]
    keys = tuple(f.key for f in table.fields if f.row in {r.key for r in lost})
    names = "、".join(r.label for r in lost)
    out.absent.update(keys)
    out.note("I2", "other_rows", "", "applications", keys, theirs=theirs.name, ours=fmt.name,
             names=names)
    return theirs.id


def _lead(source: Source, layout: Layout) -> str:
    end = layout.sections[0].start - 1 if layout.sections else layout.end
    return "\n".join(paragraphs(source.lines[layout.start:end], source.wrapped))


def _narrative(source: Source, layout: Layout, fmt: Format,
               notes: Findings) -> dict[str, list[Entry]]:
    """Entries of each narrative section; a section heading met twice adds to the first."""
    keys = {s.key for s in fmt.narrative_sections}
    out: dict[str, list[Entry]] = {}
    for section in layout.sections:
        if section.key in keys:
            lines = source.lines[section.start:section.end]
            out.setdefault(section.key, []).extend(entries(lines, source.wrapped))
    for s in fmt.narrative_sections:
        if s.key not in out:
            notes.add(finding("I3", kind="no_section", section=s.title))
    return out


def _date_notes(layout: Layout, notes: Findings) -> None:
    if layout.date_text and layout.date is None:
        notes.add(finding("I1", kind="bad_date", text=layout.date_text))
    elif layout.date_text is None:
        notes.add(finding("I3", kind="no_date"))


# --- audit: the sum rules on what was read ---

def audit(result: ImportResult) -> Findings:
    """Findings of ``validate`` that do not rest on an unknown cell, plus the rules of the
    format whose table 三 rows the report follows, over the numbers only it has."""
    unknown = result.uncertain
    out, skipped = Findings(), 0
    for found in validate(result.report, titles=result.titles):
        if unknown & set(found.fields):
            skipped += 1
        else:
            out.add(found)
    out.extend(_variant_findings(result))
    out.extend(check_headings(result.report.format, result.headings, result.numbering))
    if skipped:
        out.add(finding("I3", kind="skipped", count=skipped))
    return out


def _variant_findings(result: ImportResult) -> list[Finding]:
    if not result.variant or not result.extra:
        return []
    fmt = get_format(result.variant)
    values = {**result.report.values, **result.extra}
    report = Report(fmt, result.report.agency, result.report.year, values=values)
    extra = set(result.extra)
    return [f for eq in fmt.equations if eq.table == "applications"
            for f in check_equation(report, eq, None) if extra & set(f.fields)]


def import_and_audit(path: str | Path, **options) -> ImportResult:
    """Import, then add the audit's findings to the import's own (I1, I2, I3)."""
    result = import_report(path, **options)
    result.findings.extend(audit(result))
    return result

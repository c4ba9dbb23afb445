"""What an import gives back, and where its findings (I1, I2, I3) are collected.

A number the importer cannot read is never guessed: the field stays out of
``report.values`` (so a workbook leaves it blank) and is listed in ``unread``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from make_report.core.findings import Findings
from make_report.core.model import Report, Value
from make_report.core.spec import Format
from make_report.importer.text import parse_value
from make_report.importer.walk import Token
from make_report.rules import finding


@dataclass
class ImportResult:
    report: Report
    findings: Findings
    unread: list[str]
    """Field keys the report has no readable number for (blank, unplaceable, missing)."""
    labels: dict[str, str]
    """Field key -> the report's own "row label·column label", for messages."""
    blank: list[str] = field(default_factory=list)
    """The unread fields whose cell the report shows empty (or as a dash)."""
    extra: dict[str, Value] = field(default_factory=dict)
    """Numbers the report has but its format lacks, e.g. a 2021 report's single (六) row."""
    source: Path | None = None
    variant: str | None = None
    """Id of the other format whose table 三 rows the report follows (drift), if any."""
    headings: list[tuple[str, str, str | None]] = field(default_factory=list)
    """First-level headings as the report writes them: (section key, text, its numeral)."""
    numbering: dict[str, list[str]] = field(default_factory=dict)
    """Numerals of each narrative section's (一) (二) … lines, in the report's order."""

    @property
    def titles(self) -> dict[str, str]:
        """Section key -> the report's own heading (the first one met), for messages."""
        out: dict[str, str] = {}
        for key, text, _ in self.headings:
            out.setdefault(key, text)
        return out

    absent: frozenset[str] = frozenset()
    """Unread fields the report's own layout has no cell for (the variant's lost rows);
    the variant's rules judge those numbers instead, so they do not make it incomplete."""

    failed: frozenset[str] = frozenset()
    """Rules proven to fail whatever the unread cells hold (P4: no split adds up)."""
    leftover: dict[str, list[str]] = field(default_factory=dict)
    """Table -> numbers the report shows that no cell could take: it was not read
    completely, even if every cell got a number (one of them may be misplaced)."""

    def variant_report(self) -> Report | None:
        """The report in the format whose table 三 rows it follows, with its own numbers."""
        if not self.variant:
            return None
        from make_report.formats import get_format

        r = self.report
        return Report(get_format(self.variant), r.agency, r.year, r.date, r.lead, r.contact,
                      {**r.values, **self.extra}, r.narrative)

    @property
    def uncertain(self) -> set[str]:
        """Unread fields whose number exists in the report but could not be placed."""
        return set(self.unread) - set(self.blank)

    @property
    def incomplete(self) -> list[str]:
        """Cells of the report's own tables that were not read (blank ones included):
        while any is left, no rule that touches it can be judged, so the report never
        passes."""
        return [k for k in self.unread if k not in self.absent]


class Collector:
    """Values, labels and findings as the table readers place cells."""

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        self.values: dict[str, Value] = {}
        self.extra: dict[str, Value] = {}
        self.blank: list[str] = []
        self.absent: set[str] = set()
        self.failed: set[str] = set()
        self.leftover: dict[str, list[str]] = {}
        self.narrative: list[str] = []
        """The report's text outside its tables, for the numbers it states (T1 claims)."""
        self.labels = {f.key: f.label for f in fmt.fields}
        self.findings = Findings()

    def where(self, table: str, key: str | None = None) -> str:
        name = self.fmt.table_name(table) or "表"
        return f"{name} {self.labels.get(key, key)}" if key else name

    def note(self, rule: str, kind: str, place: str = "", table: str | None = None,
             keys: tuple[str, ...] = (), **params: object) -> None:
        """A finding of ``rule`` (I1 unread, I2 drift, I3 a remark) about ``keys``, in the
        catalogue's wording of ``kind``."""
        f = self.fmt.field_map.get(keys[0]) if len(keys) == 1 else None
        self.findings.add(finding(rule, place, kind=kind, table=table,
                                  row=f.row if f else None,
                                  column=f.column_index if f else None, fields=keys, **params))

    def own_label(self, keys: tuple[str, ...], row_label: str) -> None:
        """Name cells after the report's own row label (it may differ from the official)."""
        for key in keys:
            f = self.fmt.field_map.get(key)
            if f is not None:
                self.labels[key] = f"{row_label}·{f.column_label}" if f.column_label else row_label

    def put(self, key: str, token: Token, kind: str, table: str) -> None:
        """One cell: a number is kept; a blank or an unreadable cell becomes an I1 warning."""
        if token.kind == "blank":
            self.blank.append(key)
            self.note("I1", "blank_text" if token.text else "blank", self.where(table, key),
                      table, (key,), text=token.text)
            return
        value = parse_value(token.text, kind)  # type: ignore[arg-type]
        if value is None:
            self.note("I1", "not_number", self.where(table, key), table, (key,),
                      text=token.text)
        elif key in self.fmt.field_map:
            self.values[key] = value
        else:
            self.extra[key] = value

    def unplaced(self, table: str, tokens: list[Token]) -> None:
        """Numbers left over after the official cells were filled: named, never used."""
        for token in tokens:
            if token.kind == "value":
                self.leftover.setdefault(table, []).append(token.text)
                self.note("I1", "extra_number", self.where(table), table, text=token.text)

    def unread_keys(self) -> list[str]:
        return [f.key for f in self.fmt.fields if f.key not in self.values]

"""The shape of an official format, as frozen dataclasses.

Every other module walks these objects instead of restating labels or row lists,
so a new row or a new format is a change to ``formats/`` only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Literal

from make_report.core.record import record

REPORT_TITLE = "政府信息公开工作年度报告"
"""What every report is called, after its agency and year (合作市2023年政府信息公开工作年度报告)."""

Kind = Literal["count", "amount", "signed"]
"""count: whole number >= 0; amount: Decimal >= 0 (万元); signed: whole number, may be < 0."""


@record
class Column:
    key: str
    label: str
    kind: Kind = "count"


@record
class Row:
    key: str
    path: tuple[str, ...]
    """Row labels from the outermost group to the row itself, as in the official table."""

    @property
    def label(self) -> str:
        return self.path[-1] if self.path else ""


@record
class Header:
    """A node of a column-header tree; leaves are data columns (``key`` set)."""

    label: str
    children: tuple[Header, ...] = ()
    key: str | None = None
    kind: Kind = "count"

    def leaves(self) -> list[Header]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@record
class Field:
    """One data cell of the report, addressed by its interchange key."""

    key: str  # "applications.new_received.6", "active_disclosure.licensing"
    table: str
    row: str
    column: str | None  # column key ("6", "issued"); None for single-column blocks
    kind: Kind
    row_label: str
    column_label: str

    @property
    def label(self) -> str:
        return f"{self.row_label}·{self.column_label}" if self.column_label else self.row_label

    @property
    def column_index(self) -> int | str | None:
        """The column as findings name it: 6 for a numbered column, else its key (or None)."""
        return int(self.column) if self.column is not None and self.column.isdigit() else self.column


@record
class Block:
    """A sub-table of table 二, headed by the article of the regulation it reports on."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@record
class BlockTable:
    """Table 二: stacked blocks, each with its own column labels."""

    key: str
    section: str
    label_header: str
    blocks: tuple[Block, ...]
    width: int
    """Data columns of the widest block; narrower blocks stretch their last column."""
    aliases: tuple[tuple[str, str], ...] = ()
    """(label, extra short name) for labels too long to type in a narrative template."""
    label_suffix: str = ""
    """Cut from row labels when naming them in a narrative template."""

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        out = []
        for block in self.blocks:
            single = len(block.columns) == 1
            for row in block.rows:
                for col in block.columns:
                    key = f"{self.key}.{row.key}" + ("" if single else f".{col.key}")
                    out.append(Field(key, self.key, row.key, None if single else col.key,
                                     col.kind, row.label, col.label))
        return tuple(out)


@record
class GridTable:
    """Tables 三 and 四: a column-header tree over rows with (possibly nested) labels.

    A leaf key is a column key ("6"), or "row.column" when one physical row holds several
    logical rows side by side (table 四).
    """

    key: str
    section: str
    corner: str
    header: tuple[Header, ...]
    rows: tuple[Row, ...]
    label_depth: int
    logical_rows: tuple[Row, ...] = ()
    """For table 四: the logical rows that header leaves address (labels for messages)."""
    aliases: tuple[tuple[str, str], ...] = ()
    """(label, extra short name) for labels too long to type in a narrative template."""
    label_suffix: str = ""
    """Cut from row labels when naming them in a narrative template
    (一、本年新收政府信息公开申请数量 -> 本年新收)."""

    @cached_property
    def leaves(self) -> tuple[Header, ...]:
        return tuple(leaf for node in self.header for leaf in node.leaves())

    @cached_property
    def header_depth(self) -> int:
        return max(node.depth() for node in self.header)

    def address(self, row: Row, leaf: Header) -> tuple[str, str]:
        if "." in (leaf.key or ""):
            r, c = leaf.key.split(".")
            return r, c
        return row.key, leaf.key or ""

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        labels = {r.key: r.label for r in self.logical_rows}
        out = []
        for row in self.rows:
            for leaf in self.leaves:
                r, c = self.address(row, leaf)
                out.append(Field(f"{self.key}.{r}.{c}", self.key, r, c, leaf.kind,
                                 labels.get(r, row.label), leaf.label))
        return tuple(out)

    @cached_property
    def row_keys(self) -> tuple[str, ...]:
        """Logical row keys in order (for the interchange lists)."""
        seen: dict[str, None] = {}
        for f in self.fields:
            seen.setdefault(f.row)
        return tuple(seen)

    @cached_property
    def column_keys(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for f in self.fields:
            seen.setdefault(f.column or "")
        return tuple(seen)


Table = BlockTable | GridTable


@record
class Section:
    key: str
    number: str  # 一
    heading: str  # 总体情况
    sheet: str  # workbook sheet name
    table: str | None = None
    topics: tuple[str, ...] = ()
    """Second-level headings offered in a blank workbook."""
    instruction: str = ""
    short_name: str = ""
    """How a narrative template names the section's table (依申请.本年新收.总计)."""
    summary_template: str | None = None
    """Narrative template of sentences about the table, placed just before it."""
    default_template: str | None = None
    """Narrative template for the section when the user wrote nothing in it."""

    @property
    def title(self) -> str:
        return f"{self.number}、{self.heading}"


@record
class Equation:
    """A sum rule: for every row (or column) of a table, sum(left) == sum(right).

    ``left`` holds the total(s) being checked, ``right`` the parts they must equal.
    ``id`` names a rule of the catalogue (``make_report.rules``): its severity and wording.
    """

    id: str
    table: str
    over: Literal["rows", "columns"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    basis: str  # how the expected value is formed, in the message: 各项之和
    description: str


@record
class Carry:
    """This year's ``target`` = last year's ``previous`` + this year's ``plus`` − ``minus``."""

    target: str
    previous: str
    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        """Known a year ahead: next year's workbook starts with it filled in."""
        return not self.plus and not self.minus


@record
class YearRule:
    """A rule across two consecutive years' reports: one ``Carry`` per cell it checks.

    ``id`` names a rule of the catalogue (``make_report.rules``), which holds its severity
    and wording; ``description`` states the rule for this format's tables."""

    id: str
    description: str
    carries: tuple[Carry, ...]


@record
class Claim:
    """What a narrative sentence may state (T1) and the table cells it must equal in sum."""

    what: str  # 本年新收政府信息公开申请, in the message
    pattern: str
    """Regular expression whose group 1 is the number stated."""
    keys: tuple[str, ...]

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Words one of which every match begins with (empty: not known), so a paragraph
        holding none of them is passed over without compiling the pattern (most are)."""
        return lead_words(self.pattern)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The pattern's matches in ``text``; the same as ``regex.finditer``."""
        return self.regex.finditer(text) if self._may_match(text) else iter(())

    def search(self, text: str) -> re.Match[str] | None:
        """The pattern's first match in ``text``; the same as ``regex.search``."""
        return self.regex.search(text) if self._may_match(text) else None

    def _may_match(self, text: str) -> bool:
        return not self.words or any(w in text for w in self.words)


_SPECIAL = frozenset(".^$*+?{}[]()|\\")


def lead_words(pattern: str) -> tuple[str, ...]:
    """The literal words a match of ``pattern`` must begin with: ``行政复议[^。]…`` gives
    (行政复议,), ``(?:收到|受理)申请…`` (收到, 受理); () when that is not certain (the
    pattern has other alternatives, or does not begin with plain characters or a group of
    plain alternatives)."""
    if _alternatives(pattern):
        return ()
    if pattern.startswith("(?:"):
        end = pattern.find(")")
        words = tuple(pattern[3:end].split("|"))
        plain = end > 0 and all(w and not _SPECIAL & set(w) for w in words)
        return words if plain and pattern[end + 1:end + 2] not in ("*", "+", "?", "{") else ()
    word = ""
    for ch in pattern:
        if ch in _SPECIAL:
            if ch in "*+?{":  # the last character may be repeated none or several times
                word = word[:-1]
            break
        word += ch
    return (word,) if word else ()


def _alternatives(pattern: str) -> bool:
    """Whether ``pattern`` has a ``|`` outside any group or character class."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":  # a "]" first in the class (after any "^") is a character of it
            in_class = True
            i += 1 if pattern.startswith("]", i + 1) else 2 if pattern.startswith("^]", i + 1) else 0
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


@record
class Figure:
    """A key figure of the summary workbook: the sum of some fields, under a column title."""

    label: str
    keys: tuple[str, ...]


@record
class Ratio:
    """A key ratio a reviewer looks at: the sum of some fields over the sum of others."""

    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    headline: bool = False
    """Shown as a column of the summary workbook."""


@record
class Format:
    id: str
    name: str
    years: tuple[int, int | None]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    equations: tuple[Equation, ...]
    meta_sheet: str = "基本信息"
    short_name: str = ""
    """The name without the issuing document: 2021年版格式."""
    year_rules: tuple[YearRule, ...] = ()
    claims: tuple[Claim, ...] = ()
    key_figures: tuple[Figure, ...] = ()
    ratios: tuple[Ratio, ...] = ()

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for t in self.tables for f in t.fields)

    @cached_property
    def field_map(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def table_name(self, key: str) -> str:
        """表三 for applications: how people name a table of the report."""
        return next((f"表{s.number}" for s in self.sections if s.table == key), "")

    @property
    def narrative_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.table is None)

    def lines(self, eq: Equation) -> list[tuple[str, list[str], list[str]]]:
        """(row or column key, left field keys, right field keys) for each line a rule covers."""
        table = self.table(eq.table)
        assert isinstance(table, GridTable)
        t = table.key
        if eq.over == "rows":
            return [(r, [f"{t}.{r}.{c}" for c in eq.left], [f"{t}.{r}.{c}" for c in eq.right])
                    for r in table.row_keys]
        return [(c, [f"{t}.{r}.{c}" for r in eq.left], [f"{t}.{r}.{c}" for r in eq.right])
                for c in table.column_keys]

    def covers(self, year: int) -> bool:
        first, last = self.years
        return year >= first and (last is None or year <= last)

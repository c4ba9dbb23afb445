"""A small, fast, read-only view of an .xlsx: cell values, formulas, cached results, merges.

openpyxl's full loader spends most of a report's time building styles and merged-cell
objects we never use (about 90 ms a workbook). This module builds nothing from XML
itself: ``xmlscan``'s one expat pass, the same that guards the package, collects each
part's cells, strings and formats as written, and this module interprets them (numbers,
dates, shared strings). It gives the formula and its cached value in one read; entities
are refused before anything is read. The interface mimics the bits of openpyxl we used.

Measured (``bench/readers.py``, every cell of every sheet of the example workbook, the
guard included, median of 40 on a shared 2-core machine): openpyxl 116 ms, this module
10 ms, twelve times faster (the lxml parse this replaced, without the guard, was five
times faster).
openpyxl stays the oracle: ``tests/test_reader_parts.py`` checks that for any workbook
openpyxl writes, both read the same cells.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from make_report.core.layout import col_letter, split_address
from make_report.readers.xmlscan import (
    SHEET,
    STRINGS,
    STYLES,
    WORKBOOK,
    WORKBOOK_RELS,
    Collected,
    scan_parts,
)

BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%",
                   10: "0.00%", 11: "0.00E+00", 14: "yyyy-mm-dd", 15: "d-mmm-yy", 16: "d-mmm",
                   17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm",
                   21: "h:mm:ss", 22: "yyyy-mm-dd h:mm", 45: "mm:ss", 46: "[h]:mm:ss",
                   47: "mmss.0", 49: "@"}
DATE_CODE = re.compile(r"[ymdhs]", re.I)
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
INTEGER = re.compile(r"[+-]?\d{1,18}")
"""Whole numbers read as int; longer ones as Decimal (Python limits int from long text)."""
DOUBLE_DIGITS = 17
"""Significant digits that a double written out as text can have."""
DOUBLE_RANGE = 300
"""Decimal exponents a double can hold without overflowing or losing digits."""
EPOCH = dt.datetime(1899, 12, 30)
TYPES = {"str": "s", "s": "s", "b": "b", "e": "e"}
"""A cell's data type by how the workbook typed it (numbers and dates aside)."""


class Cell(NamedTuple):
    value: Any = None
    data_type: str = "n"  # n, s, b, e, f (formula), d (date)
    number_format: str = "General"
    cached: Any = None


EMPTY = Cell()


@dataclass(frozen=True)
class MergedRange:
    min_col: int
    min_row: int
    max_col: int
    max_row: int
    ref: str

    def __str__(self) -> str:
        return self.ref


class _Merged:
    def __init__(self, ranges: list[MergedRange]) -> None:
        self.ranges = ranges


class Sheet:
    def __init__(self, title: str, cells: dict[str, Cell], merges: list[MergedRange]) -> None:
        self.title = title
        self.cells = cells
        self.merged_cells = _Merged(merges)
        self.rows = sorted({_row_of(a) for a in cells})
        self.max_row = self.rows[-1] if self.rows else 1

    def filled_rows(self, first: int = 1) -> list[int]:
        """Row numbers from ``first`` on that hold a cell, in order."""
        return [r for r in self.rows if r >= first]

    def __getitem__(self, address: str) -> Cell:
        return self.cells.get(address, EMPTY)

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.get(f"{col_letter(column)}{row}", EMPTY)

    def coordinates(self, rng: MergedRange) -> list[str]:
        corners = (rng.min_col, rng.min_row, rng.max_col, rng.max_row)
        if (rng.max_col - rng.min_col + 1) * (rng.max_row - rng.min_row + 1) > SMALL_AREA:
            return list(_coordinates.__wrapped__(*corners))  # a huge merge is not kept
        return list(_coordinates(*corners))


def _row_of(address: str) -> int:
    row = _ROWS.get(address)
    if row is None:
        row = int(CELL_REF.fullmatch(address).group(2))  # type: ignore[union-attr]
        if len(_ROWS) < 1 << 15 and len(address) <= 12:  # a hostile address is not kept
            _ROWS[address] = row
    return row


SMALL_AREA = 1024
"""Merged areas up to this many cells have their addresses remembered (the standard
workbook's are a few dozen); a larger one, as a hostile file may have, is worked out anew."""
_ROWS: dict[str, int] = {}
"""Row numbers of addresses already seen (every workbook has the same few thousand)."""


@functools.lru_cache(maxsize=256)
def _coordinates(c1: int, r1: int, c2: int, r2: int) -> tuple[str, ...]:
    return tuple(f"{col_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))


class Unreadable(ValueError):
    """A part the workbook needs is empty or nested deeper than any workbook: damaged."""


class Workbook:
    """Sheets interpreted on first access, so a reader that fails early does little.

    ``collected`` is what ``xmlscan.scan_parts(..., collect=True)`` kept while guarding
    the package; without it the package at ``path`` is scanned here (and refused with
    ``xmlscan.Refused`` if the guard would refuse it)."""

    def __init__(self, path: Path, collected: Collected | None = None) -> None:
        if collected is None:
            with zipfile.ZipFile(path) as zf:
                collected = scan_parts(zf, collect=True)
            assert collected is not None
        self._parts = collected.parts
        self._part(WORKBOOK_RELS, WORKBOOK_RELS)  # both must be there and readable
        self._part(WORKBOOK, WORKBOOK)
        self._targets = collected.targets
        self.sheetnames = list(self._targets)
        self._strings: list[str] | None = None
        self._formats: list[str] | None = None
        self._sheets: dict[str, Sheet] = {}

    def __getitem__(self, name: str) -> Sheet:
        if name not in self._sheets:
            self._sheets[name] = self._parse_sheet(name, self._targets[name])
        return self._sheets[name]

    def close(self) -> None:
        """Nothing stays open: the package was read in one pass."""

    def _part(self, path: str, role: str) -> Any:
        data = self._parts.get((path, role), _ABSENT)
        if data is _ABSENT:
            raise KeyError(path)
        if data is None:
            raise Unreadable(path)
        return data

    def _has(self, path: str) -> bool:
        return (path, path) in self._parts

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if self._has(STRINGS):
                self._strings = [_unescaped(t) for t in self._part(STRINGS, STRINGS)]
        return self._strings

    @property
    def formats(self) -> list[str]:
        if self._formats is None:
            self._formats = []
            if self._has(STYLES):
                numfmts, xfs = self._part(STYLES, STYLES)
                custom = {int(i): code for i, code in numfmts}
                for raw in xfs:
                    fid = int(raw)
                    self._formats.append(custom.get(fid) or BUILTIN_FORMATS.get(fid, "General"))
        return self._formats

    def _parse_sheet(self, title: str, part: str) -> Sheet:
        cells: dict[str, Cell] = {}
        merges: list[MergedRange] = []
        for item in self._part(part, SHEET):
            if item[0] == "c":
                cells[item[1]] = self._cell(item)
            else:
                merges.append(_merge(item[1]))
        return Sheet(title, cells, merges)

    def _cell(self, item: tuple[Any, ...]) -> Cell:
        _, ref, kind, style_text, formula, raw, texts = item
        style = int(style_text)
        formats = self.formats
        fmt = formats[style] if style < len(formats) else "General"
        if kind == "inlineStr":
            value: Any = _unescaped("".join(texts))
            kind = "s"
        elif kind == "n" and raw is not None and fmt == "General" and INTEGER.fullmatch(raw):
            value = int(raw)  # the common case, as ``_value`` reads it
        else:
            value = self._value(kind, raw, fmt, ref)
        if formula is not None:
            return Cell(f"={formula}" if formula else "=<shared>", "f", fmt, value)
        if isinstance(value, dt.datetime):
            kind = "d"
        return Cell(value, TYPES.get(kind, kind), fmt, value)

    def _value(self, kind: str, raw: str | None, fmt: str, ref: str = "") -> Any:
        if raw is None:
            return None
        if kind == "s":
            index = int(raw)
            if not 0 <= index < len(self.strings):  # never a blank, never the last string
                raise MissingString(ref, index, len(self.strings))
            return self.strings[index]
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return _iso_date(raw)
        number = _number(raw)
        if _is_date(fmt):
            try:
                return EPOCH + dt.timedelta(days=float(number))
            except (OverflowError, ValueError):  # no day at all: NaN, or past the year 9999
                return number
        return number


_ABSENT = object()


class MissingString(ValueError):
    """A cell refers to a shared string the workbook does not have: the file is damaged."""

    def __init__(self, ref: str, index: int, count: int) -> None:
        super().__init__(ref)
        self.ref, self.index, self.count = ref, index, count


def _unescaped(text: str) -> str:
    """A string item's text (its runs, without phonetic guides: ``xmlscan`` keeps them
    apart) as Excel shows it: ``_x000D_`` and the like (how a workbook writes characters
    XML cannot hold) decoded."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")
"""ECMA-376's escape of a character in a string (``_x001B_``; ``_x005F_`` is the “_”)."""


def _number(raw: str) -> int | Decimal:
    """The number a cell's text stands for: an int when whole, else a Decimal.

    Excel and openpyxl store a double and write it with up to 17 significant digits
    (8521.88 as ``8521.879999999999``); such text is read as the shortest decimal of that
    double, which is what the clerk typed and Excel shows. Text with more digits than a
    double holds (``2.00000000000000001``, from other programs) is kept exactly, so the
    rules see it as written rather than rounded into something valid. Not a number at all
    raises ``InvalidOperation``: the part is damaged.
    """
    text = raw.strip()
    if INTEGER.fullmatch(text):
        return int(text)
    number = Decimal(text)
    if number.is_finite() and len(number.as_tuple().digits) <= DOUBLE_DIGITS \
            and -DOUBLE_RANGE < number.adjusted() < DOUBLE_RANGE:
        return Decimal(repr(float(number)))
    return number


def _iso_date(raw: str) -> Any:
    """A date cell (t="d", as some programs write them): ISO 8601 text, read as the date
    or time it is, so a date in a count cell is reported as a date; other text as text."""
    text = raw.strip()
    for parse in (dt.datetime.fromisoformat, dt.time.fromisoformat):
        try:
            value = parse(text)
        except ValueError:
            continue
        return value.replace(tzinfo=None)
    return raw


@functools.lru_cache(maxsize=256)
def _is_date(fmt: str) -> bool:
    if fmt in ("General", "@"):
        return False
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt)
    return bool(DATE_CODE.search(plain))


def _merge(ref: str) -> MergedRange:
    first, _, last = ref.partition(":")
    c1, r1 = split_address(first)
    c2, r2 = split_address(last or first)
    return MergedRange(c1, r1, c2, r2, ref)

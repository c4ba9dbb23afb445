"""Read a filled standard workbook into a report, tolerating what real people type.

The only module that reads .xlsx (through ``sheetxml``, over what ``sniff``'s one pass
collected). Unusable input raises ``InputError``
(one Chinese sentence, exit 2); everything about the data becomes a finding with its cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import field
from decimal import Decimal
from pathlib import Path
from typing import Any

from make_report.core import cells as cellparse
from make_report.core.errors import InputError
from make_report.core.findings import Findings, Location
from make_report.core.layout import (
    IMPORT_NOTE_ROW,
    META_ROWS,
    NARRATIVE_FIRST_ROW,
    TableSheet,
    WorkbookLayout,
    workbook_layout,
)
from make_report.core.model import Entry, Report, zero_values
from make_report.core.record import record
from make_report.core.safe import cleaned, one_line
from make_report.core.spec import Format
from make_report.formats import FORMATS, UnknownFormat, format_for_year, get_format
from make_report.readers.formula import FormulaError, TooComplex, Unsupported, evaluate
from make_report.readers.sniff import sniff_workbook
from make_report.rules import finding


@record(frozen=False)
class ReadResult:
    report: Report
    findings: Findings
    cells: dict[str, Location] = field(default_factory=dict)
    """Field key (or narrative.section.i.j) -> where it was read."""
    source: Path | None = None
    unknown: set[str] = field(default_factory=set)
    """Cells an incomplete import left empty (named on 基本信息): not 0, not judged."""


def read_workbook(path: str | Path, format_id: str | None = None) -> ReadResult:
    path = Path(path)
    wb = _load(path, sniff_workbook(path))
    meta = _meta_sheet(wb, path)
    fmt = _choose_format(wb, meta, format_id, path)
    layout = workbook_layout(fmt)
    _check_sheets(wb, layout, path)
    reader = _Reader(wb, path, layout)
    return reader.read()


def _load(path: Path, collected: Any) -> Any:
    from make_report.readers.sheetxml import MissingString, Workbook

    sheet = ""
    try:
        wb = Workbook(path, collected)
        for sheet in wb.sheetnames:
            wb[sheet]  # parse every sheet now, so a damaged part is reported here
        return wb
    except MissingString as exc:
        raise InputError(f"{path.name}:{sheet}!{exc.ref} 引用了不存在的共享文字(第 {exc.index} 项,"
                         f"工作簿中只有 {exc.count} 项),文件已损坏,无法读取。"
                         "请在 Excel 或 WPS 中打开后另存为 .xlsx 再试。") from None
    except MemoryError:
        raise InputError(f"{path.name}:内存不足,无法读取该工作簿。请关闭其他程序后再试。") from None
    except Exception:  # a damaged package fails in many ways
        raise InputError(f"{path.name}:文件已损坏或不是有效的 Excel 工作簿,无法读取。"
                         "请在 Excel 或 WPS 中打开后另存为 .xlsx 再试。") from None


def _meta_sheet(wb: Any, path: Path) -> Any:
    name = next(iter(FORMATS.values())).meta_sheet
    if name not in wb.sheetnames:
        raise InputError(f"{path.name}:找不到工作表“{name}”(工作簿中有:{'、'.join(wb.sheetnames)})。"
                         "请使用 make-report template 生成的标准工作簿,不要重命名工作表。")
    return wb[name]


def _meta_value(ws: Any, key: str) -> Any:
    layout = workbook_layout(next(iter(FORMATS.values())))
    return ws[layout.meta_cells[key]].value


def _choose_format(wb: Any, ws: Any, forced: str | None, path: Path) -> Format:
    """The format: forced, else the one recorded, which must cover the report year."""
    try:
        if forced:
            return get_format(forced)
    except UnknownFormat as exc:
        raise InputError(str(exc)) from None
    year = _year(_meta_value(ws, "year"))
    recorded = str(_meta_value(ws, "format") or "").strip()
    fmt = FORMATS.get(recorded)
    if fmt is None:
        if year is None:
            cell = workbook_layout(next(iter(FORMATS.values()))).meta_cells["year"]
            raise InputError(f"{path.name}:{ws.title}!{cell} 报告年度未填写或无法识别,"
                             "无法确定报告格式。请填写四位年份,如 2024。")
        try:
            return format_for_year(year)
        except UnknownFormat as exc:
            raise InputError(f"{path.name}:{exc}") from None
    if year is not None and not fmt.covers(year):
        try:
            right = format_for_year(year)
        except UnknownFormat as exc:
            raise InputError(f"{path.name}:{exc}") from None
        raise InputError(
            f"{path.name}:工作簿是{fmt.name}的版式,但报告年度为{year}年,应使用{right.name}。"
            f"请用 make-report template --year {year} 生成新的工作簿,"
            f"或加 --format {fmt.id} 强制按{fmt.id}年格式处理。")
    return fmt


def _year(raw: Any) -> int | None:
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    m = re.fullmatch(r"(\d{4})(?:\.0+)?\s*年?(?:度)?", text)
    return int(m.group(1)) if m else None


def _check_sheets(wb: Any, layout: WorkbookLayout, path: Path) -> None:
    missing = [n for n in layout.sheet_names if n not in wb.sheetnames]
    if missing:
        raise InputError(
            f"{path.name}:找不到工作表“{missing[0]}”(工作簿中有:{'、'.join(wb.sheetnames)})。"
            "请使用 make-report template 生成的标准工作簿,不要重命名或删除工作表。")
    for ts in layout.tables.values():
        _check_labels(wb[ts.name], ts, layout.format, path)


def _norm(text: Any) -> str:
    text = text if type(text) is str else str(text or "")
    # labels: the same few hundred short texts in every workbook; a long one is not kept
    return _norm_text(text) if len(text) <= 256 else _norm_text.__wrapped__(text)


@functools.lru_cache(maxsize=4096)
def _norm_text(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _check_labels(ws: Any, ts: TableSheet, fmt: Format, path: Path) -> None:
    """Rows or columns inserted, deleted or merged would shift every number: refuse early."""
    for cell in ts.grid.cells:
        if cell.role == "data":
            continue
        address = ts.at(cell.row, cell.col)
        if _norm(ws[address].value) != _norm(cell.text):
            other = _other_format(ws, ts, fmt)
            hint = (f"这是{other.name}的表格,与“{fmt.meta_sheet}”中的格式({fmt.name})不符。"
                    if other else "表格的行或列被插入、删除或合并过。")
            raise InputError(
                f"{path.name}:{ws.title}!{address} 应为“{cell.text}”,实为“{one_line(str(ws[address].value or ''), 30)}”。"
                f"{hint}请不要改动表格结构,可用 make-report template 重新生成标准工作簿。")
    data = {ts.cells[f] for f in ts.cells}
    for rng in ws.merged_cells.ranges:
        inside = set(ws.coordinates(rng))
        expected = any(_merge_of(ts, a) == str(rng) for a in inside & data)
        if inside & data and not expected:
            raise InputError(f"{path.name}:{ws.title}!{rng} 合并了填写数字的单元格。"
                             "请取消合并,每个格子填写一个数字。")


def _merge_of(ts: TableSheet, address: str) -> str:
    for cell in ts.grid.data_cells():
        if ts.cells.get(cell.field or "") == address and (cell.colspan > 1 or cell.rowspan > 1):
            return f"{address}:{ts.at(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)}"
    return ""


def _other_format(ws: Any, ts: TableSheet, fmt: Format) -> Format | None:
    for other in FORMATS.values():
        if other is fmt:
            continue
        ots = workbook_layout(other).tables.get(ts.section.table or "")
        if ots and all(_norm(ws[ots.at(c.row, c.col)].value) == _norm(c.text)
                       for c in ots.grid.cells if c.role != "data"):
            return other
    return None


MAX_CHAIN = 64
"""Formulas referring to formulas this deep are left to Excel's cached result."""
MAX_FORMULA_WORK = 200_000
"""Cell look-ups all the formulas of a workbook may make together (each formula cell is
computed once); beyond, formulas are left to Excel's cached results."""
_BUSY = cellparse.Parsed(0)
"""Marks a cell whose formula is being evaluated, so a cycle is found, not followed."""


class _Reader:
    def __init__(self, wb: Any, path: Path, layout: WorkbookLayout) -> None:
        self.wb, self.path, self.layout = wb, path, layout
        self.fmt = layout.format
        self.findings = Findings()
        self.cells: dict[str, Location] = {}
        self._parsed: dict[tuple[str, str], cellparse.Parsed] = {}
        self._computed: dict[tuple[str, str], Decimal] = {}
        self._work = MAX_FORMULA_WORK
        self._by_address = {(ts.name, a): layout.format.field_map[k]
                            for ts in layout.tables.values() for k, a in ts.cells.items()}

    def read(self) -> ReadResult:
        values = zero_values(self.fmt)
        for ts in self.layout.tables.values():
            values.update(self._table(ts))
        report = Report(self.fmt, values=values, narrative={}, **self._meta())
        for section in self.layout.narrative_sheets:
            report.narrative[section.key] = self._narrative(section)
        return ReadResult(report, self.findings, self.cells, self.path, self._import_note())

    def _import_note(self) -> set[str]:
        """P2: 基本信息 names cells an import left empty; they are unknown, not 0."""
        ws = self.wb[self.fmt.meta_sheet]
        text = _text(ws.cell(IMPORT_NOTE_ROW, 2).value)
        if not text:
            return set()
        by_place = {v: k for k, v in self.layout.field_cells.items()}
        sheets = "|".join(re.escape(ts.name) for ts in self.layout.tables.values())
        places = re.findall(rf"({sheets})!\$?([A-Z]{{1,3}})\$?(\d{{1,7}})", text)
        keys = {by_place[(s, c + r)] for s, c, r in places if (s, c + r) in by_place}
        address = f"B{IMPORT_NOTE_ROW}"
        self.findings.add(finding("P2", f"{ws.title}!{address}", sheet=ws.title, cells=(address,),
                                  fields=tuple(sorted(keys)), cells_named=text))
        return keys or set(self.fmt.field_map)

    def _add(self, rule: str, sheet: str, cell: str, label: str = "", **params: Any) -> None:
        """A finding of ``rule`` at one cell; ``label`` names what the cell holds."""
        self.findings.add(finding(rule, f"{sheet}!{cell} {label}".rstrip(),
                                  sheet=sheet, cells=(cell,), **params))

    def _clean(self, ws: Any, address: str, label: str = "") -> str:
        """A text cell without characters that could disguise it (H1 names the cell)."""
        text, chars = cleaned(_text(ws[address].value))
        if chars:
            self._add("H1", ws.title, address, label, chars=chars)
        return text.strip()

    def _meta(self) -> dict[str, Any]:
        ws = self.wb[self.fmt.meta_sheet]
        cells = self.layout.meta_cells
        labels = {key: label for key, label, _ in META_ROWS}
        agency = self._clean(ws, cells["agency"], labels["agency"])
        if not agency:
            self._add("M1", ws.title, cells["agency"], kind="blank", name=labels["agency"])
        for key in ("lead", "contact"):
            self.cells[key] = Location(ws.title, cells[key])
        year = _year(ws[cells["year"]].value)
        if year is None:
            self._add("M1", ws.title, cells["year"], kind="year", name=labels["year"],
                      shown=ws[cells["year"]].value or "")
        return {"agency": agency, "year": year or self.fmt.years[0],
                "date": self._date(ws, cells["date"]),
                "lead": self._clean(ws, cells["lead"], labels["lead"]),
                "contact": self._clean(ws, cells["contact"], labels["contact"])}

    def _date(self, ws: Any, cell: str) -> dt.date | None:
        raw = ws[cell].value
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = unicodedata.normalize("NFKC", _text(raw))
        if not text:
            self.findings.add(finding("X3", f"{ws.title}!{cell} 成文日期", sheet=ws.title,
                                      cells=(cell,)))
            return None
        m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        try:
            return dt.date(*map(int, m.groups())) if m else None
        except ValueError:
            pass
        self._add("M2", ws.title, cell, kind="cell", found=text)
        return None

    def _table(self, ts: TableSheet) -> dict[str, Any]:
        ws = self.wb[ts.name]
        out: dict[str, Any] = {}
        blanks: list[str] = []
        for f in self.fmt.table(ts.section.table or "").fields:
            address = ts.cells[f.key]
            self.cells[f.key] = _location(ts.name, address)
            parsed = self._cell(ws, address, f)
            out[f.key] = parsed.value
            if parsed.severity == "info":
                blanks.append(address)
            elif parsed.text_number:
                self.findings.add(finding("X1", f"{ts.name}!{address} {f.label}", sheet=ts.name,
                                          cells=(address,), table=f.table, row=f.row,
                                          column=f.column_index, fields=(f.key,),
                                          found=parsed.shown))
            elif parsed.severity:
                self._add(cellparse.NUMBER_RULE[parsed.severity], ts.name, address, f.label,
                          **parsed.params, table=f.table, row=f.row,
                          column=f.column_index, fields=(f.key,))
        if blanks:
            self.findings.add(finding("B1", ts.name, kind="cells", count=len(blanks),
                                      sheet=ts.name, cells=tuple(blanks)))
        return out

    def _cell(self, ws: Any, address: str, f: Any) -> cellparse.Parsed:
        key = (ws.title, address)
        found = self._parsed.get(key)
        if found is _BUSY:  # its own formula led back to it
            raise FormulaError("循环引用")
        if found is None:
            self._parsed[key] = _BUSY
            found = self._parsed[key] = self._parse_cell(ws, address, f)
        return found

    def _parse_cell(self, ws: Any, address: str, f: Any) -> cellparse.Parsed:
        cell = ws[address]
        raw = cell.value
        decimals = cellparse.format_decimals(cell.number_format)
        if cell.data_type == "e":
            return cellparse.Parsed(0, "error", "error_value", str(raw))
        if cell.data_type == "f" or (isinstance(raw, str) and raw.startswith("=")):
            try:
                raw = self._formula(ws, address, set())
            except FormulaError as exc:
                return cellparse.Parsed(0, "error", "formula_error", str(exc))
            except (Unsupported, RecursionError) as exc:  # too much for us: Excel's own result
                raw = self._cached_value(ws.title, address)
                if raw is None and isinstance(exc, TooComplex):
                    return cellparse.Parsed(0, "error", "formula_too_complex")
                if raw is None:
                    return cellparse.Parsed(0, "error", "formula_not_computed")
        return cellparse.parse(raw, f, decimals)

    def _formula(self, ws: Any, address: str, seen: set[str]) -> Decimal:
        if address in seen:
            raise FormulaError("循环引用")
        if len(seen) > MAX_CHAIN:
            raise Unsupported(address)
        done = self._computed.get((ws.title, address))
        if done is not None:  # shared by many formulas: computed once
            return done
        formula = str(ws[address].value)

        def lookup(ref: str) -> Decimal:
            self._work -= 1
            if self._work < 0:
                raise TooComplex(ref)
            if f := self._by_address.get((ws.title, ref)):
                # a bad input counts as 0 in the totals, as it does in the report
                return Decimal(str(self._cell(ws, ref, f).value))
            value = ws[ref].value
            if isinstance(value, str) and value.startswith("="):
                return self._formula(ws, ref, seen | {address})
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                return Decimal(0)  # text too, like Excel's SUM and the workbook's checks
            return Decimal(str(value))

        value = self._computed[(ws.title, address)] = evaluate(formula, lookup)
        return value

    def _cached_value(self, sheet: str, address: str) -> Any:
        """What Excel last computed for a formula we do not evaluate ourselves."""
        return self.wb[sheet][address].cached

    def _narrative(self, section: Any) -> list[Entry]:
        ws = self.wb[section.sheet]
        entries: list[Entry] = []
        for r in ws.filled_rows(NARRATIVE_FIRST_ROW):  # never every row up to the last
            heading, text = self._clean(ws, f"A{r}"), self._clean(ws, f"B{r}")
            if heading:
                entries.append(Entry(heading))
            if text:
                if not entries:
                    entries.append(Entry(None))
                i = len(entries) - 1
                self.cells[f"narrative.{section.key}.{i}.{len(entries[i].paragraphs)}"] = \
                    Location(ws.title, f"B{r}")
                entries[i].paragraphs.append(text)
        kept = [e for e in entries if e.paragraphs]
        if not kept:
            self._add("B2", ws.title, f"B{NARRATIVE_FIRST_ROW}", section=section.title)
        elif len(kept) < len(entries):
            dropped = "、".join(e.heading or "" for e in entries if not e.paragraphs)
            self._add("B3", ws.title, f"A{NARRATIVE_FIRST_ROW}", headings=dropped)
            self._renumber(section.key, entries)
        return kept

    def _renumber(self, key: str, entries: list[Entry]) -> None:
        """Keep narrative cell addresses aligned with the entries that survive."""
        prefix = f"narrative.{key}."
        old = {k: v for k, v in self.cells.items() if k.startswith(prefix)}
        for k in old:
            del self.cells[k]
        new_index = {}
        for i, e in enumerate(entries):
            if e.paragraphs:
                new_index[i] = len(new_index)
        for k, loc in old.items():
            i, j = map(int, k[len(prefix):].split("."))
            self.cells[f"{prefix}{new_index[i]}.{j}"] = loc


@functools.lru_cache(maxsize=4096)
def _location(sheet: str, address: str) -> Location:
    """A table cell's place (immutable, so every workbook of a format shares them)."""
    return Location(sheet, address)


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()

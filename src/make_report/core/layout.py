"""Where everything sits in the standard workbook, derived from a format.

The template writer paints this layout and the reader reads it back, so the two can
never disagree about a cell. Nothing here touches openpyxl.
"""

from __future__ import annotations

from functools import cached_property

from make_report.core.grid import Grid, table_grid
from make_report.core.record import record
from make_report.core.spec import Format, Section

META_ROWS: tuple[tuple[str, str, str], ...] = (
    ("agency", "机关名称", "如：合作市人民政府（必填）"),
    ("year", "报告年度", "统计年度，如 2024（必填）"),
    ("format", "报告格式", "由报告年度决定：2019—2020年为2019，2021年起为2021"),
    ("date", "成文日期", "落款日期，如 2025-01-20（正式公文应填写；未填时落款留出日期横线）"),
    ("lead", "导语（可选）", "报告开头的说明段落；空着时写入标准导语（含统计期限）"),
    ("contact", "联系方式（可选）", "如：县政府办公室 0931-1234567（会写成“如对本报告有疑问，请与……联系”），"
                                 "或写成完整的一句话"),
)
META_HINT = ("请在黄色单元格填写，然后依次填写后面各工作表。工作表已保护（无密码）以免误改标签，"
             "如确需修改，可在“审阅”中撤销工作表保护。")
NARRATIVE_HEADERS = ("二级标题（可空）", "段落（每段一行）")
META_FIRST_ROW = 4
IMPORT_NOTE_ROW = META_FIRST_ROW + len(META_ROWS) + 1
"""基本信息 row that marks a workbook imported incompletely (label in A, the cells in B)."""
IMPORT_NOTE_LABEL = "导入未读出的单元格"
NARRATIVE_FIRST_ROW = 5
TABLE_ORIGIN_ROW = 5
STATUS_ROW = 3
CHECK_OK = "✓"
CHECK_BAD = "✗"


def hint_texts(fmt: Format) -> tuple[str, ...]:
    """Every hint the standard workbook shows a clerk: pasted into a report, a leftover."""
    hints = [META_HINT, *NARRATIVE_HEADERS, *(hint for _, _, hint in META_ROWS),
             *(s.instruction for s in fmt.sections)]
    return tuple(dict.fromkeys(h for h in hints if h))


def col_letter(col: int) -> str:
    """1-based column number to Excel letters (1 -> A)."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_number(letters: str) -> int:
    """Excel letters to a 1-based column number (A -> 1, AA -> 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def split_address(address: str) -> tuple[int, int]:
    """D8 -> (column 4, row 8); anything else -> (1, 1)."""
    letters = "".join(ch for ch in address if ch.isalpha())
    digits = address[len(letters):]
    if not letters or not digits.isdigit() or not letters.isupper():
        return 1, 1
    return col_number(letters), int(digits)


def coord(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


@record
class Check:
    """A live check cell: shows ✓ or ✗ and the expected value."""

    rule: str
    cell: str
    formula: str


@record
class TableSheet:
    name: str
    section: Section
    grid: Grid
    cells: dict[str, str]
    """Field key -> cell address."""
    format: Format

    @property
    def formulas(self) -> dict[str, str]:
        """Field key -> default formula for totals."""
        return self._live[0]

    @property
    def checks(self) -> tuple[Check, ...]:
        return self._live[1]

    @property
    def check_labels(self) -> dict[str, str]:
        """Cell address -> label written beside the checks."""
        return self._live[2]

    @cached_property
    def _live(self) -> tuple[dict[str, str], tuple[Check, ...], dict[str, str]]:
        """What the template writer paints (totals' formulas, live checks): made when first
        asked for, so that reading a workbook does not build them (5 ms a format)."""
        return _live_cells(self.format, self)

    def at(self, grid_row: int, grid_col: int) -> str:
        return coord(TABLE_ORIGIN_ROW + grid_row, 1 + grid_col)

    @property
    def last_col(self) -> int:
        return self.grid.n_cols


@record
class WorkbookLayout:
    format: Format
    meta_cells: dict[str, str]
    tables: dict[str, TableSheet]
    narrative_sheets: tuple[Section, ...]

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return (self.format.meta_sheet, *(s.sheet for s in self.format.sections))

    @property
    def field_cells(self) -> dict[str, tuple[str, str]]:
        return {k: (t.name, c) for t in self.tables.values() for k, c in t.cells.items()}


_LAYOUTS: dict[str, WorkbookLayout] = {}


def workbook_layout(fmt: Format) -> WorkbookLayout:
    """Where everything of ``fmt`` sits in the standard workbook; remembered by the format's
    identity (a cache keyed by the format itself would hash it, field by field, on every
    call: the reader asks several times a workbook)."""
    layout = _LAYOUTS.get(fmt.id)
    if layout is None or layout.format is not fmt:
        layout = _LAYOUTS[fmt.id] = _workbook_layout(fmt)
    return layout


def _workbook_layout(fmt: Format) -> WorkbookLayout:
    meta = {key: f"B{META_FIRST_ROW + i}" for i, (key, _, _) in enumerate(META_ROWS)}
    tables = {}
    for section in fmt.sections:
        if section.table:
            tables[section.table] = _table_sheet(fmt, section)
    return WorkbookLayout(fmt, meta, tables, fmt.narrative_sections)


def _table_sheet(fmt: Format, section: Section) -> TableSheet:
    table = fmt.table(section.table or "")
    grid = table_grid(table)
    cells = {c.field: coord(TABLE_ORIGIN_ROW + c.row, 1 + c.col)
             for c in grid.data_cells() if c.field}
    return TableSheet(section.sheet, section, grid, cells, fmt)


def _live_cells(fmt: Format, sheet: TableSheet
                ) -> tuple[dict[str, str], tuple[Check, ...], dict[str, str]]:
    """The totals' formulas, the live checks and their labels of one table sheet."""
    grid, cells = sheet.grid, sheet.cells
    eqs = [e for e in fmt.equations if e.table == sheet.section.table]
    formulas: dict[str, str] = {}
    checks: list[Check] = []
    labels: dict[str, str] = {}
    below = TABLE_ORIGIN_ROW + grid.n_rows
    right = grid.n_cols + 1
    for eq in eqs:
        lines = [(left, right) for _, left, right in fmt.lines(eq)]
        if len(eq.left) == 1:
            for left, parts in lines:
                formulas.setdefault(left[0], "=" + _sum([cells[p] for p in parts]))
        rows = {_row_of(cells[left[0]]) for left, _ in lines}
        if eq.over == "rows" and len(rows) == len(lines):
            # one line per sheet row (table 三): a check column right of the table
            labels[coord(TABLE_ORIGIN_ROW + grid.header_rows - 1, right)] = f"检查（{eq.id}）"
            places = [coord(_row_of(cells[left[0]]), right) for left, _ in lines]
        else:
            # checks under the cells they check, one row per rule
            labels[coord(below, 1)] = f"检查（{eq.id}）：{eq.description}"
            places = [f"{_col_of(cells[left[0]])}{below + 1}" for left, _ in lines]
            below += 2
        for (left, parts), place in zip(lines, places, strict=True):
            lhs = _sum([cells[k] for k in left])
            rhs = _sum([cells[k] for k in parts])
            checks.append(Check(eq.id, place,
                                f'=IF({lhs}={rhs},"{CHECK_OK}","{CHECK_BAD} 应为"&({rhs}))'))
    return formulas, tuple(checks), labels


def _row_of(address: str) -> int:
    return int("".join(ch for ch in address if ch.isdigit()))


def _col_of(address: str) -> str:
    return "".join(ch for ch in address if ch.isalpha())


def _sum(addresses: list[str]) -> str:
    """A compact sum formula: SUM(D8:I8) for a contiguous run, else SUM(D8,D9). Always SUM,
    never D8+D9: SUM counts a number typed as text as 0 (as the reader does, rule X1),
    where ``+`` would count it, so the totals and every check read a cell the same way."""
    if len(addresses) > 2 and _contiguous(addresses):
        return f"SUM({addresses[0]}:{addresses[-1]})"
    return f"SUM({','.join(addresses)})"


def _contiguous(addresses: list[str]) -> bool:
    rows = [_row_of(a) for a in addresses]
    cols = [_col_of(a) for a in addresses]
    if len(set(rows)) == 1:
        nums = [col_number(c) for c in cols]
        return nums == list(range(nums[0], nums[0] + len(nums)))
    if len(set(cols)) == 1:
        return rows == list(range(rows[0], rows[0] + len(rows)))
    return False


def cell_boxes(addresses: list[str]) -> list[str]:
    """The fewest rectangles (D8:J12) covering exactly ``addresses``: runs along each row,
    merged down while the next row's run spans the same columns."""
    rows: dict[int, list[int]] = {}
    for address in addresses:
        col, row = split_address(address)
        rows.setdefault(row, []).append(col)
    runs: list[list[int]] = []  # [first row, last row, first col, last col]
    for row in sorted(rows):
        cols = sorted(set(rows[row]))
        start = prev = cols[0]
        for col in [*cols[1:], None]:
            if col is not None and col == prev + 1:
                prev = col
                continue
            above = next((r for r in runs if r[1] == row - 1 and r[2:] == [start, prev]), None)
            if above:
                above[1] = row
            else:
                runs.append([row, row, start, prev])
            if col is not None:
                start = prev = col
    return [f"{coord(r[0], r[2])}:{coord(r[1], r[3])}" for r in runs]

"""The table sheets of the standard workbook: the official grid, input cells and live checks.

Totals come pre-filled as formulas and every sum rule has a check cell beside or under
the numbers, so staff see a slip the moment they type it, long before the report is built.
"""

from __future__ import annotations

from copy import copy
from decimal import Decimal
from functools import cache

from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.worksheet import Worksheet

from make_report.core.cells import ZERO_WORDS
from make_report.core.grid import GridCell
from make_report.core.layout import (
    CHECK_BAD,
    STATUS_ROW,
    TABLE_ORIGIN_ROW,
    TableSheet,
    cell_boxes,
    col_letter,
    coord,
)
from make_report.core.model import Report, Value
from make_report.core.spec import Format, GridTable, Kind
from make_report.writers import xlsx_style as st

DATA_WIDTH = 9.5
CHECK_WIDTH = 13.0
NO_RULES_NOTE = "本表没有勾稽关系，请逐项核对数字后再生成报告。"


def write_table_sheet(ws: Worksheet, fmt: Format, ts: TableSheet,
                      report: Report | None) -> None:
    """Paint one table section: title, instruction, status line, grid, checks."""
    _size_columns(ws, fmt, ts)
    width = ts.last_col
    st.set_text(ws.cell(1, 1), ts.section.title, st.TITLE)
    _merged_note(ws, 2, width, ts.section.instruction, st.TEXT)
    _status(ws, ts)
    inputs: dict[Kind, list[str]] = {}
    for cell in ts.grid.cells:
        _paint(ws, fmt, ts, cell, report, inputs)
    _validate(ws, inputs)
    _checks(ws, ts)
    header = ts.grid.header_rows
    if header:
        label_cols = _label_depth(fmt, ts)
        ws.freeze_panes = coord(TABLE_ORIGIN_ROW + header, label_cols + 1)
        ws.print_title_rows = f"{TABLE_ORIGIN_ROW}:{TABLE_ORIGIN_ROW + header - 1}"
    st.fit_page(ws, landscape=True)
    st.fit_rows(ws)
    st.protect(ws)


def _merged_note(ws: Worksheet, row: int, width: int, text: str, font: Font) -> None:
    """A full-width line, so long instructions wrap inside the table's width."""
    cell = ws.cell(row, 1)
    st.set_text(cell, text, font)
    cell.alignment = st.MIDDLE
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _label_depth(fmt: Format, ts: TableSheet) -> int:
    table = fmt.table(ts.section.table or "")
    return table.label_depth if isinstance(table, GridTable) else 1


def _size_columns(ws: Worksheet, fmt: Format, ts: TableSheet) -> None:
    """Wide enough that table 三's long row labels wrap to two lines at most."""
    depth = _label_depth(fmt, ts)
    if isinstance(fmt.table(ts.section.table or ""), GridTable):
        labels = [8.0, 12.0, 12.0][: max(0, depth - 1)] + ([40.0] if depth else [])
        data = DATA_WIDTH
    else:
        labels, data = [24.0], 17.0
    for i in range(1, ts.last_col + 1):
        ws.column_dimensions[col_letter(i)].width = labels[i - 1] if i <= depth else data
    if any(_col(c.cell) == ts.last_col + 1 for c in ts.checks):
        ws.column_dimensions[col_letter(ts.last_col + 1)].width = CHECK_WIDTH


def _paint(ws: Worksheet, fmt: Format, ts: TableSheet, gc: GridCell,
           report: Report | None, inputs: dict[Kind, list[str]]) -> None:
    row, col = TABLE_ORIGIN_ROW + gc.row, 1 + gc.col
    cell = ws.cell(row, col)
    if gc.role == "data" and gc.field:
        _data(cell, fmt, ts, gc.field, report)
        inputs.setdefault(fmt.field_map[gc.field].kind, []).append(cell.coordinate)
    else:
        st.set_text(cell, gc.text, st.BOLD if gc.role != "label" else st.TEXT)
        cell.fill = st.LABEL_FILL if gc.role == "label" else st.HEADER_FILL
        cell.protection = st.LOCKED
    cell.alignment = st.CENTRE
    fill = copy(cell.fill)
    if gc.rowspan > 1 or gc.colspan > 1:
        ws.merge_cells(start_row=row, start_column=col,
                       end_row=row + gc.rowspan - 1, end_column=col + gc.colspan - 1)
    for r in range(row, row + gc.rowspan):
        for c in range(col, col + gc.colspan):
            ws.cell(r, c).border = st.BORDER
            ws.cell(r, c).fill = fill


def _data(cell: Cell, fmt: Format, ts: TableSheet, key: str, report: Report | None) -> None:
    """An input cell: its value (or total formula) and input colour."""
    cell.value = cell_value(fmt, ts, key, report)
    cell.font = st.TEXT
    st.style_input(cell, st.TOTAL_FILL if key in ts.formulas else st.INPUT_FILL)
    if fmt.field_map[key].kind == "amount":
        given = report.values.get(key) if report is not None else None
        cell.number_format = amount_format(given) if isinstance(given, Decimal) else st.AMOUNT_FORMAT


def amount_format(value: Decimal) -> str:
    """Show an amount with exactly its own decimals (1681.00, 128.3650), so the reader,
    which takes a cell's shown decimals, gives the same amount back."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "0." + "0" * places if places else "0"


def _validate(ws: Worksheet, inputs: dict[Kind, list[str]]) -> None:
    """One input rule per kind; an amount's rule names its own cell, so one rule each."""
    for kind, cells in inputs.items():
        groups = [[c] for c in cells] if kind == "amount" else [cells]
        for group in groups:
            dv = st.validation(kind, group[0])
            for address in group:
                dv.add(address)
            ws.add_data_validation(dv)


def cell_value(fmt: Format, ts: TableSheet, key: str,
               report: Report | None) -> str | int | float | None:
    """What a data cell holds: the total formula unless the source's total disagrees."""
    formula = ts.formulas.get(key)
    if report is None or key not in report.values:
        return formula  # a blank workbook: inputs empty, totals live
    value = report.value(key)
    parts = total_parts(fmt).get(key)
    if formula and parts is not None and value == sum(report.value(p) for p in parts) \
            and all(p in report.values for p in parts):
        return formula
    return _excel_number(value)


def _excel_number(value: Value) -> int | float:
    """Excel stores binary floats; an amount of at most 4 decimals survives the trip."""
    return float(value) if isinstance(value, Decimal) else int(value)


@cache
def total_parts(fmt: Format) -> dict[str, list[str]]:
    """Total field -> the fields its default formula adds, in the order layout picks them."""
    out: dict[str, list[str]] = {}
    for eq in fmt.equations:
        if len(eq.left) == 1:
            for _, left, right in fmt.lines(eq):
                out.setdefault(left[0], right)
    return out


def _status(ws: Worksheet, ts: TableSheet) -> None:
    """One line that says whether every check passes, so nobody has to scan the cells.

    It also counts the number cells holding text the reader refuses (a number typed as
    text, 六件): the sheet's sums count them as 0, and ``check`` fails on them, so the
    line never says 全部通过 where ``check`` would not."""
    cell = ws.cell(STATUS_ROW, 1)
    ranges = check_ranges(ts)
    texts = text_count(list(ts.cells.values()))
    if ranges:
        count = "+".join(f'SUMPRODUCT(--(LEFT({r},1)="{CHECK_BAD}"))' for r in ranges)
        cell.value = (f'="勾稽关系检查:"&IF({count}+{texts}=0,"{st.STATUS_OK}",'
                      f'"有"&({count}+{texts})&"处{st.STATUS_BAD}"&IF({texts}>0,'
                      f'"(其中"&({texts})&"个格子填的是文字而不是数字,表中按0计,请改为数字)","")'
                      f'&",请看标{CHECK_BAD}的单元格")')
    elif texts:
        cell.value = (f'=IF({texts}=0,"{NO_RULES_NOTE}","有"&({texts})&"处{st.STATUS_BAD}:'
                      f'格子填的是文字而不是数字,表中按0计,请改为数字")')
    if ranges or texts:
        cell.font = st.BOLD
        st.mark_status(ws, cell.coordinate)
    else:
        st.set_text(cell, NO_RULES_NOTE, st.NOTE)
    cell.alignment = st.MIDDLE
    ws.merge_cells(start_row=STATUS_ROW, start_column=1, end_row=STATUS_ROW,
                   end_column=max(ts.last_col, 2))
    ws.row_dimensions[STATUS_ROW].height = 22


def text_count(addresses: list[str]) -> str:
    """A formula counting the cells that hold text other than the words read as 0 (无, -),
    i.e. exactly the cells the reader refuses (rules X1 and N1)."""
    if not addresses:
        return ""
    words = sorted({w for word in ZERO_WORDS for w in (word, _full_width(word))})
    array = "{" + ",".join('"' + w.replace('"', '""') + '"' for w in words) + "}"
    return "+".join(f"SUMPRODUCT(ISTEXT({box})*ISNA(MATCH(TRIM({box}),{array},0)))"
                    for box in cell_boxes(addresses))


def _full_width(text: str) -> str:
    """0件 -> ０件: what NFKC reads back as ``text``, typed with a Chinese input method."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def check_ranges(ts: TableSheet) -> list[str]:
    """The smallest box around each rule's check cells, for counting and colouring."""
    boxes: dict[str, list[int]] = {}
    for check in ts.checks:
        r, c = _row(check.cell), _col(check.cell)
        box = boxes.setdefault(check.rule, [r, c, r, c])
        box[:] = [min(box[0], r), min(box[1], c), max(box[2], r), max(box[3], c)]
    return [f"{coord(b[0], b[1])}:{coord(b[2], b[3])}" for b in boxes.values()]


def _checks(ws: Worksheet, ts: TableSheet) -> None:
    for address, label in ts.check_labels.items():
        cell = ws[address]
        st.set_text(cell, label, st.BOLD)
        if cell.column == 1:
            cell.alignment = st.MIDDLE
            ws.merge_cells(f"{address}:{coord(cell.row, ts.last_col)}")
        else:
            cell.alignment = st.CENTRE
            cell.fill = st.HEADER_FILL
            cell.border = st.BORDER
    for check in ts.checks:
        cell = ws[check.cell]
        cell.value = check.formula
        cell.font = st.TEXT
        cell.alignment = st.CENTRE
        cell.border = st.BORDER
    st.mark_checks(ws, check_ranges(ts))


def _row(address: str) -> int:
    return coordinate_to_tuple(address)[0]


def _col(address: str) -> int:
    return coordinate_to_tuple(address)[1]

"""Looks, protection and input rules shared by the sheets of the standard workbook.

Kept apart from the sheet layout so that every sheet marks labels, inputs and checks
the same way: staff learn once that yellow means "type here" and red means "look here".
"""

from __future__ import annotations

import math

from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from make_report.core.layout import CHECK_BAD, CHECK_OK
from make_report.core.safe import invisible_removed
from make_report.core.spec import Kind

STATUS_OK = "全部通过"
STATUS_BAD = "不一致"
"""Words of a sheet's status line (勾稽关系检查:全部通过 / 有2处不一致…), which its colour follows."""

FONT_NAME = "宋体"
TEXT = Font(name=FONT_NAME, size=11)
BOLD = Font(name=FONT_NAME, size=11, bold=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
NOTE = Font(name=FONT_NAME, size=10, color="595959")

HEADER_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
LABEL_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
INPUT_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
TOTAL_FILL = PatternFill("solid", start_color="FFE699", end_color="FFE699")

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
MIDDLE = Alignment(horizontal="left", vertical="center", wrap_text=True)
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)

AMOUNT_FORMAT = "0.00##"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'

LINE_PT = 16.0
"""Height of one wrapped line of 11 pt CJK text, with the leading LibreOffice gives it."""
CJK_WIDTH = 2.1
"""Column-width units one CJK character takes (a width unit is one Latin digit)."""


def set_text(cell: Cell, text: str, font: Font = TEXT) -> None:
    """Write text that stays text: an agency's '=' at the start must not become a formula;
    no character that could disguise it (or that a workbook cannot hold)."""
    text = invisible_removed(text)
    cell.value = text or None
    if text.startswith("="):
        cell.data_type = "s"
    cell.font = font


def style_input(cell: Cell, fill: PatternFill = INPUT_FILL) -> None:
    """Mark a cell staff may type into: unlocked and coloured."""
    cell.fill = fill
    cell.protection = UNLOCKED


def protect(ws: Worksheet, insert_rows: bool = False) -> None:
    """Guard labels and formulas against slips, without a password staff would lose."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False
    p.insertRows = not insert_rows


def fit_page(ws: Worksheet, landscape: bool = False) -> None:
    """Print on A4, one page wide, as offices print their forms."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


_ERRORS: dict[Kind, tuple[str, str]] = {
    "count": ("件数有误", "请填写不小于0的整数。"),
    "signed": ("数字有误", "请填写整数；减少时填负数。"),
    "amount": ("金额有误", "请填写不小于0的金额（单位：万元），最多4位小数。"),
}


def validation(kind: Kind, cell: str = "") -> DataValidation:
    """An input rule with a Chinese message, so a typo is stopped where it is typed."""
    if kind == "count":
        dv = DataValidation("whole", operator="greaterThanOrEqual", formula1="0")
    elif kind == "signed":
        dv = DataValidation("whole", operator="between",
                            formula1="-999999999", formula2="999999999")
    else:
        dv = DataValidation("custom",
                            formula1=f"AND(ISNUMBER({cell}),{cell}>=0,ROUND({cell},4)={cell})")
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorTitle, dv.error = _ERRORS[kind]
    return dv


def mark_checks(ws: Worksheet, ranges: list[str]) -> None:
    """Red for a failed check, green for a passed one, so failures stand out at a glance."""
    for rng in ranges:
        first = rng.split(":")[0]
        ws.conditional_formatting.add(rng, _rule(f'LEFT({first},1)="{CHECK_BAD}"',
                                                 "9C0006", "FFC7CE"))
        ws.conditional_formatting.add(rng, _rule(f'LEFT({first},1)="{CHECK_OK}"',
                                                 "006100", "C6EFCE"))


def mark_status(ws: Worksheet, cell: str) -> None:
    """Colour the status line by its outcome."""
    ws.conditional_formatting.add(cell, _rule(f'ISNUMBER(SEARCH("{STATUS_OK}",{cell}))',
                                              "006100", "C6EFCE"))
    ws.conditional_formatting.add(cell, _rule(f'ISNUMBER(SEARCH("{STATUS_BAD}",{cell}))',
                                              "9C0006", "FFC7CE"))


def _rule(formula: str, font: str, fill: str) -> FormulaRule:
    return FormulaRule(formula=[formula], font=Font(color=font, bold=True),
                       fill=PatternFill("solid", start_color=fill, end_color=fill))


def text_width(text: str) -> float:
    """Width in column units, counting CJK and full-width characters double."""
    return sum(CJK_WIDTH if ord(ch) > 0x2E7F else 1.0 for ch in text)


def fit_rows(ws: Worksheet, first_row: int = 1) -> None:
    """Set row heights for wrapped text, which openpyxl cannot measure and Excel won't."""
    spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    needed: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.data_type != "s" or not cell.value or not cell.alignment.wrap_text:
                continue
            m = spans.get((cell.row, cell.column))
            cols = range(m.min_col, m.max_col + 1) if m else [cell.column]
            rows = m.max_row - m.min_row + 1 if m else 1
            width = sum(_col_width(ws, c) for c in cols)
            per_row = (_lines(cell.value, width) * LINE_PT + 4) / rows
            needed[cell.row] = max(needed.get(cell.row, 0.0), per_row)
    for r, height in needed.items():
        if height > 15.5:
            ws.row_dimensions[r].height = min(409.0, math.ceil(height))


def _lines(text: str, width: float) -> int:
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def _col_width(ws: Worksheet, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.customWidth else 8.43

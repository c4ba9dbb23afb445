"""A PDF report as importer lines, its table cells found by where the text sits on the page.

PDFium (through pypdfium2) gives every character with its baseline and box. Characters on
one baseline make a line; a gap wider than a character splits it into cells. A table row
is a line with numbers in it; the label lines just above and below it (a row label wrapped
in a narrow column, a group label centred over several rows) are the nearest row's label,
column by column, so the numbers never depend on the order the text was written in.

pypdfium2 is imported here only, and this module only when a PDF is read: a workbook or
a web page never pays for it. PDFium reads nothing but the file it is given.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from statistics import median

from make_report.core.errors import InputError
from make_report.importer.text import is_number

MAX_PAGES = 300
MAX_CHARS = 1_000_000
GAP = 0.9
"""A gap wider than this many font sizes between two characters separates two cells."""
SAME_LINE = 0.35
"""Baselines closer than this many font sizes are one line."""
REACH = 1.6
"""A label line belongs to a table row when its baseline is this many line heights away
or less (a label wrapped over three or four lines in a narrow column)."""
SCANNED = ("{name}:这是扫描版 PDF(页面只是图片,没有文字层),无法读取其中的文字和表格。"
           "请向发布单位索取 Word 或网页版,或先用文字识别(OCR)软件转成文字后再试。")


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    y: float
    """Baseline, from the top of the first page down (pages stacked)."""
    size: float


@dataclass
class PdfLine:
    y: float
    size: float
    cells: list[tuple[float, str]] = field(default_factory=list)
    """(left x, text) of each run of characters separated by a wide gap."""

    @property
    def numbers(self) -> list[str]:
        return [t for _, t in self.cells if is_number(t)]

    @property
    def labels(self) -> list[tuple[float, str]]:
        return [(x, t) for x, t in self.cells if not is_number(t)]

    @property
    def text(self) -> str:
        return " ".join(t for _, t in self.cells)


Row = tuple[tuple[str, ...], str]
"""A line as (cells, kind): kind "grid" for a table row, "text" otherwise."""


def pdf_lines(path: Path) -> list[Row]:
    """The lines of a PDF report; a PDF without a text layer is one Chinese sentence."""
    chars = _chars(path)
    if not any(c.text.strip() for c in chars):
        raise InputError(SCANNED.format(name=path.name))
    return _rows(_lines(chars))


def _chars(path: Path) -> list[Char]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(f"{path.name}:PDF 设置了打开密码,无法读取。请取消密码后再试。") from None
        raise InputError(f"{path.name}:文件已损坏或不是有效的 PDF,无法读取。") from None
    try:
        if len(pdf) > MAX_PAGES:
            raise InputError(f"{path.name}:PDF 有 {len(pdf)} 页,年度报告通常不到 {MAX_PAGES} 页,"
                             "已拒绝读取。")
        out: list[Char] = []
        top = 0.0
        for page in pdf:
            height = page.get_height()
            text = page.get_textpage()
            n = text.count_chars()
            if len(out) + n > MAX_CHARS:
                raise InputError(f"{path.name}:PDF 中的文字过多,不像是一份年度报告,已拒绝读取。")
            x, y = ctypes.c_double(), ctypes.c_double()
            for i in range(n):
                ch = chr(raw.FPDFText_GetUnicode(text.raw, i) or 32)
                if ch.isspace():
                    continue
                left, _bottom, right, _top = text.get_charbox(i)
                raw.FPDFText_GetCharOrigin(text.raw, i, ctypes.byref(x), ctypes.byref(y))
                size = raw.FPDFText_GetFontSize(text.raw, i) or 10.5
                out.append(Char(ch, left, right, top + height - y.value, size))
            top += height
        return out
    finally:
        pdf.close()


def _lines(chars: list[Char]) -> list[PdfLine]:
    """Characters grouped by baseline, top to bottom; each line cut into cells at wide gaps."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: c.y):
        if lines and abs(ch.y - lines[-1][0].y) <= SAME_LINE * ch.size:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for group in lines:
        group.sort(key=lambda c: c.x0)
        size = median(c.size for c in group)
        line = PdfLine(group[0].y, size)
        start, text = group[0].x0, group[0].text
        for prev, ch in pairwise(group):
            if ch.x0 - prev.x1 > GAP * size:
                line.cells.append((start, text))
                start, text = ch.x0, ""
            text += ch.text
        line.cells.append((start, text))
        out.append(line)
    return out


def _rows(lines: list[PdfLine]) -> list[Row]:
    """Table rows (lines with numbers, beside label cells) as grid lines with the label
    lines around them; any other line as text."""
    rows = [i for i, line in enumerate(lines) if _is_row(line)]
    owner: dict[int, int] = {}
    for i, line in enumerate(lines):
        if i in rows or "。" in line.text or _is_heading(line.text):
            continue
        near = [r for r in rows if abs(lines[r].y - line.y) <= REACH * 1.5 * line.size
                and _between(lines, i, r)]
        if near:
            owner[i] = min(near, key=lambda r: (abs(lines[r].y - line.y), r))
    out: list[Row] = []
    for i, line in enumerate(lines):
        if i in owner:
            continue
        if i in set(rows):
            parts = [lines[k] for k in sorted([*(k for k, r in owner.items() if r == i), i])]
            out.append(((*_label_columns(parts), *line.numbers), "grid"))
        else:
            out.append(((line.text,), "text"))
    return out


def _is_heading(text: str) -> bool:
    """A section heading (三、收到和处理政府信息公开申请情况) never belongs to a table row."""
    from make_report.formats import FORMATS
    from make_report.importer.text import norm

    text = norm(text)
    return any(text.startswith(norm(s.title)) for f in FORMATS.values() for s in f.sections)


def _is_row(line: PdfLine) -> bool:
    """Numbers in cells of their own, after a label or in a row of several."""
    numbers = line.numbers
    return bool(numbers) and (len(numbers) >= 2 or len(line.cells) >= 2) \
        and "。" not in line.text


def _between(lines: list[PdfLine], i: int, r: int) -> bool:
    """No other table row lies between label line ``i`` and row ``r``."""
    lo, hi = sorted((i, r))
    return not any(_is_row(lines[k]) for k in range(lo + 1, hi))


def _label_columns(parts: list[PdfLine]) -> list[str]:
    """Label cells of a row's lines, joined top to bottom within each column."""
    cells = sorted((x, k, t) for k, p in enumerate(parts) for x, t in p.labels)
    columns: list[tuple[float, list[tuple[int, str]]]] = []
    for x, k, t in cells:
        tol = 2 * parts[k].size
        col = next((c for c in columns if abs(c[0] - x) <= tol), None)
        if col is None:
            columns.append((x, [(k, t)]))
        else:
            col[1].append((k, t))
    return ["".join(t for _, t in sorted(items)) for _, items in columns]

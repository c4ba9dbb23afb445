"""Walk a table's text: labels steer, numbers fill the official rows in their order.

Whatever the layout (one value per line, tabs, pipes, aligned PDF columns, Word or HTML
cells), a table region becomes one stream of label, value and blank tokens. The walker
expects the official rows in order; a row label found before a group of numbers confirms
(or advances) the row, and numbers without a label take the next row, so labels that a
PDF's text moved elsewhere do not lose the numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from make_report.importer.source import Line
from make_report.importer.text import (
    find_label,
    is_blank_cell,
    is_dash,
    is_footer,
    is_number,
    norm,
    squash,
)

TokenKind = Literal["label", "value", "blank"]


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    line: int
    glued: bool = False
    """Digits written right after a label (``规章000``): the row's cells run together."""
    grid: bool = False
    """A cell of a real (Word/HTML) table row: its row's cells never run into the next row."""


@dataclass(frozen=True)
class RowSpec:
    """One official row as the walker sees it: its label and the field keys of its cells."""

    key: str
    label: str
    keys: tuple[str, ...]

    @property
    def width(self) -> int:
        return len(self.keys)


@dataclass
class Walk:
    placed: list[tuple[RowSpec, list[Token], str | None]] = field(default_factory=list)
    """(row, its cells, the report's own label for it or None)."""
    short: list[tuple[RowSpec, list[Token]]] = field(default_factory=list)
    """Rows followed by fewer numbers than they have cells: which is missing is unknown."""
    missing: list[RowSpec] = field(default_factory=list)
    unlabelled: list[RowSpec] = field(default_factory=list)
    leftover: list[Token] = field(default_factory=list)
    runs: list[tuple[RowSpec, list[Token], str | None]] = field(default_factory=list)
    """Rows whose cells are run together in digit strings, to be cut by ``split``."""
    crowded: list[tuple[RowSpec, list[Token]]] = field(default_factory=list)
    """Table rows (Word/HTML) with more numbers than the row has cells: left unread."""
    wrapped: list[tuple[RowSpec, list[Token]]] = field(default_factory=list)
    """Rows whose run of digits is followed by a line of bare digits that may be the rest
    of it (the page wrapped the row) or the next row (its label moved): left unread."""


def tokenize(lines: Sequence[Line], first: int = 0) -> list[Token]:
    """A table region as tokens; around a real (Word/HTML) table, prose is left out."""
    grid = any(line.kind == "grid" for line in lines)
    out: list[Token] = []
    for n, line in enumerate(lines, start=first):
        if grid and line.kind != "grid":
            continue
        out.extend(_text_tokens(line.cells[0], n) if line.kind == "text" else
                   [replace(t, grid=True) for t in _row_tokens(line, n)] if line.kind == "grid"
                   else _row_tokens(line, n))
    return out


def _text_tokens(text: str, n: int) -> list[Token]:
    if is_blank_cell(text):
        return [Token("blank", "", n)]
    if not text.strip() or is_footer(text) or "。" in text:
        return []
    out: list[Token] = []
    for word in text.split():
        pieces = glued(word)
        for piece in pieces:
            kind: TokenKind = "value" if is_number(piece) else "blank" if is_dash(piece) \
                else "label"
            if kind == "label" and out and out[-1].kind == "label":
                out[-1] = Token("label", out[-1].text + piece, n)
            else:
                out.append(Token(kind, piece, n, len(pieces) > 1))
    return out


NUMBERING_AFTER_DIGITS = re.compile(r"(?<=\d)(?=\d[.、][^\d.、])")
"""``…40000041.属于国家秘密``: the digit before ``.属于`` numbers the next row label."""
PROSE_NUMBER = re.compile(r"第\d|\d(?:年|月|日|号|件|个|项|次|条|万|%|页)")
"""Numbers of prose (2023年, 第711号, 6件), never a table's run of cells."""
SIGN_INSIDE = re.compile(r"\d\s*[-−–—/+]")
"""``7-140``: a signed count run into others (7, -14, 0?) cannot be cut: left unread."""
LABEL_OR_DIGITS = re.compile(r"(?:\d[.、](?=[^\d.、]))?[^\d]+|\d+(?:\.\d+)?")


def glued(word: str) -> list[str]:
    """A word where a label and the cells after it were run together (``规章000``,
    ``1.属于国家秘密1000001``), cut into label and digit pieces; any other word whole."""
    text = unicodedata.normalize("NFKC", word)
    if is_number(text) or not re.search(r"[^\d\s.,、]\d|\d[^\d\s.,、]", text) \
            or PROSE_NUMBER.search(text) or SIGN_INSIDE.search(text):
        return [word]
    return [m.group(0) for part in NUMBERING_AFTER_DIGITS.split(text)
            for m in LABEL_OR_DIGITS.finditer(part)]


def _row_tokens(line: Line, n: int) -> list[Token]:
    """Cells of a table row; empty cells count only where numbers belong."""
    cells = [squash(c) for c in line.cells]
    kinds = ["value" if is_number(c) else "blank" if not c or is_dash(c) else "label"
             for c in cells]
    labels = [i for i, k in enumerate(kinds) if k == "label"]
    values = [i for i, k in enumerate(kinds) if k == "value"]
    out = []
    for i, (cell, kind) in enumerate(zip(cells, kinds, strict=True)):
        if kind == "blank" and not _data_blank(i, line.kind, labels, values) \
                and not (cell and labels and i > labels[-1]):  # a dash right of the label
            continue
        if kind == "label" and len(cell.split()) > 1 and all(is_number(p) for p in cell.split()):
            out.extend(Token("value", p, n) for p in cell.split())
            continue
        out.append(Token(kind, cell, n))  # type: ignore[arg-type]
    return out


def _data_blank(i: int, kind: str, labels: list[int], values: list[int]) -> bool:
    """Grid: any empty cell right of the labels; delimited text: only between two numbers."""
    if kind == "grid":
        return bool(values) and i > (labels[-1] if labels else -1)
    return bool(values) and values[0] < i < values[-1]


def groups(tokens: Sequence[Token]) -> Iterator[tuple[str, list[Token]]]:
    """(label text before, the numbers and blanks that follow) pairs, in order."""
    labels: list[str] = []
    values: list[Token] = []
    for token in tokens:
        if token.kind == "label":
            if values:
                yield "".join(labels), values
                labels, values = [], []
            labels.append(norm(token.text))
        else:
            values.append(token)
    yield "".join(labels), values


Fits = Callable[[RowSpec, str], bool]
"""Whether a string of digits can be the row's cells run together (some cut satisfies the
row's own sum rules); True when unsure."""


def walk(tokens: Sequence[Token], rows: Sequence[RowSpec], fits: Fits | None = None) -> Walk:
    out = Walk()
    i = 0
    for pending, values in groups(tokens):
        own = None
        if values and i < len(rows):
            j, own = locate(rows, i, pending)
            out.missing.extend(rows[i:j])
            i = j
        i = _fill(out, rows, i, values, own, fits)
    out.missing.extend(rows[i:])
    return out


MAX_WRAPPED = 3
"""Lines of bare digits a run of a row's cells may continue on (a long row wrapped)."""


def _fill(out: Walk, rows: Sequence[RowSpec], i: int, values: list[Token],
          own: str | None, fits: Fits | None = None) -> int:
    """Numbers after one label: the labelled row first, further full rows in order."""
    pos = 0
    while pos < len(values):
        if i >= len(rows):
            out.leftover.extend(values[pos:])
            break
        row = rows[i]
        run = _run(values[pos:], row.width)
        more, doubt = _continued(values[pos:], row, fits) if run or (
            row.width >= 2 and is_run(values[pos]) and values[pos].glued) else ([], False)
        if run or more or doubt:
            if doubt:  # the next line may be the rest of this row or the next row
                taken = values[pos:pos + 2 + len(more)]
                out.wrapped.append((row, taken))
                pos += len(taken)
                own = None
                i += 1
                continue
            if more:
                run = [Token("value", "".join(t.text for t in [values[pos], *more]),
                             values[pos].line, glued=True)]
                pos += len(more)
            out.runs.append((row, run, own))
            pos += 1
            own = None
            i += 1
            continue
        chunk = values[pos : pos + row.width]
        if chunk and chunk[0].grid:  # a table row's cells stay in their row
            chunk = [t for t in chunk if t.line == chunk[0].line]
        if pos and all(t.kind == "blank" for t in chunk):
            out.leftover.extend(chunk)  # empty cells after a row, not a row of their own
            pos += len(chunk)
            continue
        pos += len(chunk)
        if len(chunk) < row.width:
            out.short.append((row, chunk))
        else:
            extra = [t for t in values[pos:] if t.grid and t.line == chunk[-1].line]
            pos += len(extra)
            if any(t.kind == "value" for t in extra):
                # more numbers in the table row than it has cells: which is extra is unknown
                out.crowded.append((row, chunk + extra))
            else:
                out.placed.append((row, chunk, own))
                if own is None:
                    out.unlabelled.append(row)
        own = None
        i += 1
    return i


def _continued(values: Sequence[Token], row: RowSpec,
               fits: Fits | None) -> tuple[list[Token], bool]:
    """The bare lines of digits after a run glued to its label that are the rest of the
    row, and whether that is in doubt. A line is taken when the run so far cannot be the
    row by itself and the run with it can; when both could be, whether the row wrapped
    there is unknown (doubt: the row and that line are left unread)."""
    first = values[0]
    if fits is None or not first.glued:
        return [], False
    text, taken = first.text, []
    for token in values[1:1 + MAX_WRAPPED]:
        if not is_run(token) or token.glued or token.line <= (taken or [first])[-1].line:
            break
        if not fits(row, text + token.text):
            break
        if fits(row, text):
            return taken, True
        text += token.text
        taken.append(token)
    return taken, False


def is_run(token: Token) -> bool:
    return token.kind == "value" and token.text.isascii() and token.text.isdigit()


RUN_WIDTH = 5
"""A lone digit string this many cells wide or more is a run even without a label glued
to it (no count of a row has seven digits); a narrower row needs the label glued to it."""


def run_of(values: Sequence[Token], width: int) -> bool:
    """Whether one digit string holds a whole row's cells run together."""
    return (width >= 2 and len(values) < width and bool(values) and is_run(values[0])
            and len(values[0].text) >= width and (values[0].glued or width >= RUN_WIDTH))


def _run(values: Sequence[Token], width: int) -> list[Token]:
    """Too few tokens for the row, and the first holds digits enough for all its cells.
    Digits separated by spaces are never cut: those are cells (or a damaged row)."""
    return [values[0]] if run_of(values, width) else []


def locate(rows: Sequence[RowSpec], i: int, pending: str) -> tuple[int, str | None]:
    """The row a labelled group of numbers belongs to: the expected one, or a later one
    whose label is there (rows in between are missing); unrecognised text keeps the order."""
    if not pending:
        return i, None
    best: tuple[int, int, str] | None = None
    for j in range(i, len(rows)):
        found = find_label(rows[j].label, pending)
        if found:
            end = pending.rfind(found) + len(found)
            if best is None or end > best[0]:  # the label nearest the numbers is theirs
                best = (end, j, found)
    return (best[1], best[2]) if best else (i, None)


def region_text(tokens: Sequence[Token]) -> str:
    """All label text of a region in normal form, for telling formats and variants apart."""
    return "".join(norm(t.text) for t in tokens if t.kind == "label")

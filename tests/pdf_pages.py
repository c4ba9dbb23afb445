"""Rendered reports as measured pages: LibreOffice PDF read back with ``pdftotext -bbox-layout``.

Lengths are in millimetres from the page's top-left corner; every text line keeps its words
with their boxes, so tests can measure where things sit instead of assuming it.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

MM = 25.4 / 72
_NS = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    lines: tuple[Line, ...]  # top to bottom

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]

    def body(self, bottom_mm: float) -> list[Line]:
        """Lines above ``bottom_mm`` (the page number sits below the text area)."""
        return [ln for ln in self.lines if ln.y0 < bottom_mm]

    def footer(self, bottom_mm: float) -> list[Line]:
        return [ln for ln in self.lines if ln.y0 >= bottom_mm]


def require_pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return found


def read_pdf(path: Path) -> list[Page]:
    """The PDF's pages, each a list of text lines sorted top to bottom, left to right."""
    out = subprocess.run([require_pdftotext(), "-bbox-layout", str(path), "-"],
                         capture_output=True, check=True).stdout
    root = ET.fromstring(out)
    pages = []
    for number, page in enumerate(root.iter(_NS + "page"), start=1):
        lines = []
        for line in page.iter(_NS + "line"):
            words = tuple(Word(float(w.get("xMin")) * MM, float(w.get("yMin")) * MM,
                               float(w.get("xMax")) * MM, float(w.get("yMax")) * MM,
                               w.text or "") for w in line.iter(_NS + "word"))
            if words:
                lines.append(Line(words))
        lines.sort(key=lambda ln: (round(ln.y0, 1), ln.x0))
        pages.append(Page(number, tuple(lines)))
    return pages


def column_text(page: Page, left_mm: float, right_mm: float) -> str:
    """The words whose left edge lies in [left_mm, right_mm), read top to bottom: what one
    table column shows on this page, with the line breaks inside cells closed up."""
    words = sorted((w for w in page.words if left_mm <= w.x0 < right_mm),
                   key=lambda w: (round(w.y0, 1), w.x0))
    return "".join(w.text for w in words)

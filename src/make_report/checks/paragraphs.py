"""The narrative as the content rules read it: paragraphs with their section and heading,
sentences, and where each one is (a workbook's cell, or a published report's own heading)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from make_report.core.findings import Location
from make_report.core.layout import NARRATIVE_FIRST_ROW, workbook_layout
from make_report.core.model import Report
from make_report.core.record import record
from make_report.core.spec import Section

SENTENCE = re.compile(r"[^。！？!?;；]+[。！？!?;；]*")
EXCERPT = 16
"""Characters of context either side when a message quotes a sentence."""


@record
class Paragraph:
    key: str
    """``narrative.{section}.{i}.{j}``, ``lead`` or ``contact``: the cell map's key."""
    section: Section | None
    heading: str | None
    number: int
    """1-based, under its heading, for reports that have no cells."""
    text: str


def paragraphs(report: Report) -> list[Paragraph]:
    """The lead, every narrative paragraph, and the contact line, in report order."""
    out = [Paragraph("lead", None, None, 1, report.lead)] if report.lead else []
    for section in report.format.narrative_sections:
        for i, entry in enumerate(report.narrative.get(section.key, [])):
            for j, text in enumerate(entry.paragraphs):
                out.append(Paragraph(f"narrative.{section.key}.{i}.{j}", section,
                                     entry.heading, j + 1, text))
    if report.contact:
        out.append(Paragraph("contact", None, None, 1, report.contact))
    return out


class Places:
    """Where a paragraph or section is: its cell in a workbook, else its own heading."""

    def __init__(self, report: Report, cells: Mapping[str, Location] | None,
                 titles: Mapping[str, str] | None) -> None:
        self.report, self.cells, self.titles = report, cells or {}, titles or {}

    def title(self, section: Section) -> str:
        return self.titles.get(section.key, section.title)

    def of(self, par: Paragraph) -> dict:
        loc = self.cells.get(par.key)
        if loc is not None:
            return {"place": str(loc), "sheet": loc.sheet, "cells": (loc.cell,),
                    "fields": (par.key,)}
        if par.section is None:
            words = {"lead": "导语", "contact": "联系方式"}[par.key]
        else:
            head = f" {par.heading}" if par.heading else ""
            words = f"{self.title(par.section)}{head} 第{par.number}段"
        return {"place": words, "fields": (par.key,)}

    def section(self, section: Section) -> dict:
        if self.cells:  # a workbook: the sheet's first text cell
            cell = f"B{NARRATIVE_FIRST_ROW}"
            return {"place": f"{section.sheet}!{cell}", "sheet": section.sheet, "cells": (cell,)}
        return {"place": self.title(section)}

    def meta(self, key: str, label: str) -> dict:
        if self.cells:
            cell = workbook_layout(self.report.format).meta_cells[key]
            sheet = self.report.format.meta_sheet
            return {"place": f"{sheet}!{cell}", "sheet": sheet, "cells": (cell,)}
        return {"place": label}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def around(sentence: str, word: str) -> str:
    sentence = sentence.strip()
    at = sentence.find(word)
    if len(sentence) <= 3 * EXCERPT or at < 0:
        return sentence
    start, end = max(0, at - EXCERPT), min(len(sentence), at + len(word) + EXCERPT)
    return ("…" if start else "") + sentence[start:end] + ("…" if end < len(sentence) else "")

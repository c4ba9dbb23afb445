"""The report as an editable Word document in the official layout.

Headings, paragraphs and tables are laid out by python-docx on a styles-only base from the
parts ``parts.report_parts`` yields (the web page lays out the same parts); the narrative is
rendered there first, so no template tag ever sits in Word XML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from make_report.core.model import Report
from make_report.core.spec import REPORT_TITLE, Table
from make_report.narrative.parts import Part, report_parts
from make_report.writers import ooxml
from make_report.writers.ooxml import W
from make_report.writers.signature import signature_layout
from make_report.writers.stamp import save_docx

if TYPE_CHECKING:
    from docx.document import Document

StandIn = Callable[[Table], "etree._Element | None"]
TITLE_CHARS = 20
SIGNATURE_PT = 16
"""The signature's type size (三号): its indents are in characters of this size."""


def write_docx(report: Report, path: str | Path, *, templates: Path | None = None,
               reference_docx: Path | None = None,
               where: Mapping[str, str] | None = None, sealed: bool = True) -> None:
    """Write the report; a broken narrative template raises ``NarrativeError``.

    ``where`` maps ``narrative.{section}.{i}.{j}`` (entry i, paragraph j), ``lead`` and
    ``contact`` to the places users know (一、总体情况!B7) for error messages.
    ``sealed=False`` places the signature as for a report without a seal (GB/T 9704 7.3.5.2).
    """
    doc = build_document(report, templates=templates, reference_docx=reference_docx,
                         where=where, sealed=sealed)
    save_docx(doc, Path(path))  # stamped, so a later build knows it may replace the file


def build_document(report: Report, *, templates: Path | None = None,
                   reference_docx: Path | None = None,
                   where: Mapping[str, str] | None = None, sealed: bool = True) -> Document:
    """The whole report as a python-docx Document, not yet saved."""
    from make_report.writers import docx_styles

    doc, styles = docx_styles.prepared_base(reference_docx)
    write_body(doc.element.body, report, styles, templates=templates, where=where,
               sealed=sealed)
    set_properties(doc, report)
    return doc


def write_body(body: etree._Element, report: Report, styles: dict[str, str], *,
               templates: Path | None = None, where: Mapping[str, str] | None = None,
               sealed: bool = True, stand_in: StandIn | None = None) -> None:
    """Lay the report's parts out in a document's w:body, before its w:sectPr.
    ``stand_in(table)`` may give what holds an official table's place instead of the
    table (``docx_skeletons.Splicer``: its bytes are put there after serializing)."""
    _Writer(body, report, styles, sealed, stand_in).write(
        report_parts(report, templates=templates, where=where))


def lay_out(doc: Document, report: Report, styles: dict[str, str], parts: Iterable[Part],
            *, sealed: bool = True) -> None:
    """Append the parts to the document's body with the named styles ``styles`` maps."""
    _Writer(doc.element.body, report, styles, sealed).write(parts)


class _Writer:
    """Lays out the report's parts (``parts.report_parts``) with the named styles, as
    python-docx's ``add_paragraph``/``add_run`` would, straight in lxml."""

    def __init__(self, body: etree._Element, report: Report, styles: dict[str, str],
                 sealed: bool = True, stand_in: StandIn | None = None) -> None:
        self.body, self.report, self.styles, self.sealed = body, report, styles, sealed
        self.stand_in = stand_in
        self.end = body.find(W + "sectPr")
        self.last: etree._Element | None = None

    def write(self, parts: Iterable[Part]) -> None:
        for part in parts:
            match part:
                case ("title", text):
                    self.title(text)
                case ("heading1", text):
                    self.paragraph(text, "一级标题")
                case ("heading2", text):
                    self.paragraph(text, "二级标题")
                case ("heading3", text):
                    self.paragraph(text, "三级标题")
                case ("paragraph", text):
                    self.paragraph(text, "正文")
                case ("table", table, _caption):
                    # the heading and its sentence go with the table, the sentence whole
                    self.keep_with_next(whole=True)
                    self.append(self.table(table))
                    self.paragraph("", "表格")  # a little air between the table and what follows
                case ("closing", agency, date):
                    self.closing(agency, date)
                case ("section" | "end", _):
                    pass  # Word needs no wrapper around a section
                case _:
                    raise ValueError(f"unknown report part {part[0]!r}")

    def table(self, table: Table) -> etree._Element:
        placed = self.stand_in(table) if self.stand_in is not None else None
        if placed is not None:
            return placed
        from make_report.writers.docx_tables import filled_table  # not needed with skeletons

        return filled_table(table, self.report, self.styles)

    def title(self, title: str) -> None:
        """Break after the agency when the title would wrap mid-word (二号: 20 a line)."""
        agency, rest = self.report.agency, title.removeprefix(self.report.agency)
        if len(agency + rest) <= TITLE_CHARS or len(agency) > TITLE_CHARS or not agency:
            self.paragraph(title, "标题")
            return
        p = self.paragraph(agency, "标题")
        etree.SubElement(etree.SubElement(p, W + "r"), W + "br")
        _add_run(p, rest)

    def closing(self, agency: str, date: str) -> None:
        """Agency and date one blank line below the text, kept on the page of the last
        paragraph (never alone), placed as GB/T 9704 7.3.5 says (``signature_layout``)."""
        layout = signature_layout(agency, date, sealed=self.sealed)
        for text in ("", agency):
            self.keep_with_next()
            self.paragraph(text, "落款")
        self._indent_right(layout.agency_right)
        if date:
            self.keep_with_next()
            self.paragraph(date, "落款")
            self._indent_right(layout.date_right)

    def _indent_right(self, chars: float) -> None:
        """The one direct format of the report: where a signature line sits depends on
        the lengths of the name and the date, which no style can know."""
        if self.last is None:
            return
        ppr = self.last.find(W + "pPr")
        ind = ppr.find(W + "ind")
        if ind is None:
            ind = etree.SubElement(ppr, W + "ind")
        ind.set(W + "rightChars", str(round(chars * 100)))
        ind.set(W + "right", str(round(chars * SIGNATURE_PT * 20)))

    def keep_with_next(self, whole: bool = False) -> None:
        """w:keepNext on the last paragraph, after its w:pStyle (schema order); ``whole``
        adds w:keepLines, so that in Word a sentence before a table does not split with
        only its last line kept with the table (keepNext alone binds only that line)."""
        if self.last is None:
            return
        ppr = self.last.find(W + "pPr")
        if ppr.find(W + "keepNext") is None:
            ppr.find(W + "pStyle").addnext(ppr.makeelement(W + "keepNext", {}))
        if whole and ppr.find(W + "keepLines") is None:
            ppr.find(W + "keepNext").addnext(ppr.makeelement(W + "keepLines", {}))

    def paragraph(self, text: str, style: str) -> etree._Element:
        p = etree.Element(W + "p", nsmap=ooxml.NSMAP)
        etree.SubElement(etree.SubElement(p, W + "pPr"), W + "pStyle",
                         {W + "val": self.styles[style]})
        if text:
            _add_run(p, text)
        self.append(p)
        self.last = p
        return p

    def append(self, element: etree._Element) -> None:
        if self.end is None:
            self.body.append(element)
        else:
            self.end.addprevious(element)


def _add_run(p: etree._Element, text: str) -> None:
    """A w:r holding ``text`` as python-docx's ``add_run`` writes it: each tab a w:tab, each
    CR or LF a w:br, and a w:t with outer spaces keeps them (xml:space)."""
    r = etree.SubElement(p, W + "r")
    text = ooxml.xml_safe(text)  # every CR is now an LF
    pieces = re.split("([\t\n])", text) if "\t" in text or "\n" in text else [text]
    for piece in pieces:
        if piece in ("\t", "\n"):
            etree.SubElement(r, W + ("tab" if piece == "\t" else "br"))
        elif piece:
            t = etree.SubElement(r, W + "t")
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(ooxml.qn("xml:space"), "preserve")


def core_properties(report: Report) -> dict[str, object]:
    """File > Properties shows the report, not python-docx's leftovers (python-docx's
    names, in the order they are set)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    agency = ooxml.xml_safe(report.agency)
    return {"title": ooxml.xml_safe(report.title), "author": agency, "last_modified_by": agency,
            "subject": REPORT_TITLE, "keywords": f"政府信息公开;{report.year}",
            "comments": "", "revision": 1, "created": now, "modified": now}


def set_properties(doc: Document, report: Report) -> None:
    """File > Properties shows the report, not python-docx's leftovers."""
    props = doc.core_properties
    for name, value in core_properties(report).items():
        setattr(props, name, value)

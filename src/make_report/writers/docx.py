"""The report as an editable Word document in the official layout.

Headings, paragraphs and tables are laid out by python-docx on a styles-only base; the
narrative is rendered by ``narrative`` first, so no template tag ever sits in Word XML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from docx.document import Document
from docx.text.paragraph import Paragraph

from make_report.model import Report, format_date
from make_report.narrative import render_context, render_template, render_text, split_paragraphs
from make_report.spec import Section
from make_report.writers import docx_styles, ooxml
from make_report.writers.docx_tables import add_table

SUMMARY_TEMPLATES = {"applications": "applications_summary.j2",
                     "review_litigation": "review_litigation_summary.j2"}
"""Sentences rendered from a table's values, placed just before that table."""
DEFAULT_TEMPLATES = {"other": "fees.j2"}
"""Text for a narrative section the user left empty."""
TITLE_CHARS = 20


def write_docx(report: Report, path: str | Path, *, templates: Path | None = None,
               reference_docx: Path | None = None,
               where: Mapping[str, str] | None = None) -> None:
    """Write the report; a broken narrative template raises ``NarrativeError``.

    ``where`` maps ``narrative.{section}.{i}.{j}`` (entry i, paragraph j), ``lead`` and
    ``contact`` to the places users know (一、总体情况!B7) for error messages.
    """
    from make_report.output import save_docx

    doc = build_document(report, templates=templates, reference_docx=reference_docx,
                         where=where)
    save_docx(doc, Path(path))  # stamped, so a later build knows it may replace the file


def build_document(report: Report, *, templates: Path | None = None,
                   reference_docx: Path | None = None,
                   where: Mapping[str, str] | None = None) -> Document:
    """The whole report as a python-docx Document, not yet saved."""
    doc, styles = docx_styles.prepared_base(reference_docx)
    _Writer(doc, report, styles, templates, where or {}).write()
    _set_properties(doc, report)
    return doc


class _Writer:
    """Appends the report's parts in the official order."""

    def __init__(self, doc: Document, report: Report, styles: dict[str, str],
                 templates: Path | None, where: Mapping[str, str]) -> None:
        self.doc, self.report, self.styles = doc, report, styles
        self.templates, self.where = templates, where
        self.context = render_context(report)

    def write(self) -> None:
        self.title()
        for key, text in (("lead", self.report.lead), ("contact", self.report.contact)):
            self.user_text(text or "", self.where.get(key, "基本信息"))
        for section in self.report.format.sections:
            self.section(section)
        self.closing()

    def section(self, section: Section) -> None:
        self.paragraph(section.title, "一级标题")
        wrote = self.entries(section)
        name = SUMMARY_TEMPLATES.get(section.key)
        if name is None and not wrote:
            name = DEFAULT_TEMPLATES.get(section.key)
        if name:
            for text in render_template(name, self.context, self.templates):
                self.paragraph(text, "正文")
        if section.table:
            add_table(self.doc, self.report.format.table(section.table), self.report,
                      self.styles)
            self.paragraph("", "表格")  # a little air between the table and what follows

    def entries(self, section: Section) -> bool:
        """The user's headings and paragraphs; True if there was any text at all."""
        wrote = False
        for i, entry in enumerate(self.report.narrative.get(section.key, [])):
            if entry.heading and entry.heading.strip():
                self.paragraph(entry.heading.strip(), "二级标题")
                wrote = True
            for j, text in enumerate(entry.paragraphs):
                place = self.where.get(f"narrative.{section.key}.{i}.{j}",
                                       f"{section.sheet}(第{i + 1}项第{j + 1}段)")
                wrote = self.user_text(text or "", place) or wrote
        return wrote

    def user_text(self, text: str, where: str) -> bool:
        """A user's cell: rendered, then one paragraph per line."""
        lines = split_paragraphs(render_text(text, self.context, where))
        for line in lines:
            self.paragraph(line, "正文")
        return bool(lines)

    def title(self) -> None:
        """Break after the agency when the title would wrap mid-word (二号: 20 a line)."""
        agency, rest = self.report.agency, self.report.title.removeprefix(self.report.agency)
        if len(agency + rest) <= TITLE_CHARS or len(agency) > TITLE_CHARS or not agency:
            self.paragraph(self.report.title, "标题")
            return
        self.paragraph(agency, "标题").add_run().add_break()
        self.last.add_run(rest)

    def closing(self) -> None:
        """Agency and date, kept on the page of the last paragraph (never alone)."""
        for text in ("", self.report.agency):
            self.last.paragraph_format.keep_with_next = True
            self.paragraph(text, "落款")
        if self.report.date:
            self.last.paragraph_format.keep_with_next = True
            self.paragraph(format_date(self.report.date), "落款")

    def paragraph(self, text: str, style: str) -> Paragraph:
        p = self.doc.add_paragraph()
        p._p.get_or_add_pPr().style = self.styles[style]
        if text:
            p.add_run(ooxml.xml_safe(text))
        self.last = p
        return p


def _set_properties(doc: Document, report: Report) -> None:
    """File > Properties shows the report, not python-docx's leftovers."""
    props = doc.core_properties
    props.title = report.title
    props.author = props.last_modified_by = report.agency
    props.subject = "政府信息公开工作年度报告"
    props.keywords = f"政府信息公开;{report.year}"
    props.comments = ""
    props.revision = 1
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now

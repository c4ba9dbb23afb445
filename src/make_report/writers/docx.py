"""The report as an editable Word document in the official layout.

Headings, paragraphs and tables are laid out by python-docx on a styles-only base from the
parts ``parts.report_parts`` yields (the web page lays out the same parts); the narrative is
rendered there first, so no template tag ever sits in Word XML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from docx.document import Document
from docx.text.paragraph import Paragraph

from make_report.core.model import Report
from make_report.core.spec import REPORT_TITLE
from make_report.narrative.parts import Part, report_parts
from make_report.writers import docx_styles, ooxml
from make_report.writers.docx_tables import add_table
from make_report.writers.stamp import save_docx

TITLE_CHARS = 20


def write_docx(report: Report, path: str | Path, *, templates: Path | None = None,
               reference_docx: Path | None = None,
               where: Mapping[str, str] | None = None) -> None:
    """Write the report; a broken narrative template raises ``NarrativeError``.

    ``where`` maps ``narrative.{section}.{i}.{j}`` (entry i, paragraph j), ``lead`` and
    ``contact`` to the places users know (一、总体情况!B7) for error messages.
    """
    doc = build_document(report, templates=templates, reference_docx=reference_docx,
                         where=where)
    save_docx(doc, Path(path))  # stamped, so a later build knows it may replace the file


def build_document(report: Report, *, templates: Path | None = None,
                   reference_docx: Path | None = None,
                   where: Mapping[str, str] | None = None) -> Document:
    """The whole report as a python-docx Document, not yet saved."""
    doc, styles = docx_styles.prepared_base(reference_docx)
    lay_out(doc, report, styles, report_parts(report, templates=templates, where=where))
    set_properties(doc, report)
    return doc


def lay_out(doc: Document, report: Report, styles: dict[str, str], parts: Iterable[Part]) -> None:
    """Append the parts to the document's body with the named styles ``styles`` maps."""
    _Writer(doc, report, styles).write(parts)


class _Writer:
    """Lays out the report's parts (``parts.report_parts``) with the named styles."""

    def __init__(self, doc: Document, report: Report, styles: dict[str, str]) -> None:
        self.doc, self.report, self.styles = doc, report, styles
        self.last: Paragraph | None = None

    def write(self, parts: Iterable[Part]) -> None:
        for part in parts:
            match part:
                case ("title", text):
                    self.title(text)
                case ("heading1", text):
                    self.paragraph(text, "一级标题")
                case ("heading2", text):
                    self.paragraph(text, "二级标题")
                case ("paragraph", text):
                    self.paragraph(text, "正文")
                case ("table", table, _caption):
                    add_table(self.doc, table, self.report, self.styles)
                    self.paragraph("", "表格")  # a little air between the table and what follows
                case ("closing", agency, date):
                    self.closing(agency, date)
                case ("section" | "end", _):
                    pass  # Word needs no wrapper around a section
                case _:
                    raise ValueError(f"unknown report part {part[0]!r}")

    def title(self, title: str) -> None:
        """Break after the agency when the title would wrap mid-word (二号: 20 a line)."""
        agency, rest = self.report.agency, title.removeprefix(self.report.agency)
        if len(agency + rest) <= TITLE_CHARS or len(agency) > TITLE_CHARS or not agency:
            self.paragraph(title, "标题")
            return
        first = self.paragraph(agency, "标题")
        first.add_run().add_break()
        first.add_run(rest)

    def closing(self, agency: str, date: str) -> None:
        """Agency and date, kept on the page of the last paragraph (never alone)."""
        for text in ("", agency):
            self._keep_with_next()
            self.paragraph(text, "落款")
        if date:
            self._keep_with_next()
            self.paragraph(date, "落款")

    def _keep_with_next(self) -> None:
        if self.last is not None:
            self.last.paragraph_format.keep_with_next = True

    def paragraph(self, text: str, style: str) -> Paragraph:
        p = self.doc.add_paragraph()
        p._p.get_or_add_pPr().style = self.styles[style]
        if text:
            p.add_run(ooxml.xml_safe(text))
        self.last = p
        return p


def set_properties(doc: Document, report: Report) -> None:
    """File > Properties shows the report, not python-docx's leftovers."""
    props = doc.core_properties
    props.title = report.title
    props.author = props.last_modified_by = report.agency
    props.subject = REPORT_TITLE
    props.keywords = f"政府信息公开;{report.year}"
    props.comments = ""
    props.revision = 1
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now

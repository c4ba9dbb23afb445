"""The report as a sequence of parts, in the official order, with the narrative rendered.

The Word writer and the web page both lay out exactly these parts, so the two can never
say different things or put them in a different order. Parts are plain tuples:

- ``("title", text)``
- ``("section", section)`` and ``("end", section)`` around each section's parts
- ``("heading1", text)``, ``("heading2", text)``, ``("paragraph", text)``
- ``("heading3", text)``: a line of the user's text that is a ``1.``-level heading
- ``("table", table, caption)``
- ``("closing", agency, date)``, the date already in official style (or "")
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from make_report.core.model import Report, format_date
from make_report.core.spec import Section
from make_report.narrative.firstpage import (
    CONTACT_TEMPLATE,
    DATE_LINE,
    LEAD_TEMPLATE,
    contact_parts,
)
from make_report.narrative.names import Names
from make_report.narrative.punctuation import full_width
from make_report.narrative.render import (
    Budget,
    render_context,
    render_template,
    render_text,
    split_paragraphs,
)

Part = tuple
THIRD_LEVEL = re.compile(r"\d{1,2}[.．、](?![\d.])\S")
"""``1.加强组织领导``: the third level of numbering after 一、 and （一）."""
THIRD_LEVEL_MAX = 40
"""A numbered line longer than this, or with a 。 inside it, is a paragraph, not a heading."""


def is_third_level_heading(line: str) -> bool:
    """A line on its own that reads as a ``1.``-level heading (GB/T 9704 third level)."""
    text = line.strip()
    return (bool(THIRD_LEVEL.match(text)) and len(text) <= THIRD_LEVEL_MAX
            and "。" not in text.rstrip("。"))


def report_parts(report: Report, *, templates: Path | None = None,
                 where: Mapping[str, str] | None = None) -> Iterator[Part]:
    """Every part of the report; a broken narrative template raises ``NarrativeError``.

    ``where`` maps ``narrative.{section}.{i}.{j}`` (entry i, paragraph j), ``lead`` and
    ``contact`` to the places users know (一、总体情况!B7) for error messages.
    """
    return _Parts(report, templates, where or {}).parts()


class _Parts:
    def __init__(self, report: Report, templates: Path | None,
                 where: Mapping[str, str]) -> None:
        self.report, self.templates, self.where = report, templates, where
        self.context: Names = render_context(report)
        self.budget = Budget()

    def parts(self) -> Iterator[Part]:
        yield ("title", self.report.title)
        yield from self.first_page()
        for section in self.report.format.sections:
            yield ("section", section)
            yield from self.section(section)
            yield ("end", section)
        yield ("closing", self.report.agency, format_date(self.report.date) or DATE_LINE)

    def first_page(self) -> Iterator[Part]:
        """The lead (the standard opening when blank) and the contact (the standard sentence
        when it holds only an office and a phone number)."""
        lead, contact = self.report.lead or "", self.report.contact or ""
        meta = self.report.format.meta_sheet
        if lead.strip():
            yield from self.user_text(lead, self.where.get("lead", meta))
        else:
            yield from self.template(LEAD_TEMPLATE, self.context)
        parts = contact_parts(contact)
        if parts is None:
            yield from self.user_text(contact, self.where.get("contact", meta))
        else:
            context = Names("", self.context)
            context.update({"联系单位": parts[0], "联系电话": parts[1]})
            yield from self.template(CONTACT_TEMPLATE, context)

    def template(self, name: str, context: Names) -> Iterator[Part]:
        for text in render_template(name, context, self.templates):
            yield ("paragraph", text)

    def section(self, section: Section) -> Iterator[Part]:
        """Heading, the user's entries, the format's sentences, then the table."""
        yield ("heading1", section.title)
        entries = list(self.entries(section))
        yield from entries
        name = section.summary_template
        if name is None and not entries:
            name = section.default_template
        if name:
            for text in render_template(name, self.context, self.templates, self.budget):
                yield ("paragraph", text)
        if section.table:
            yield ("table", self.report.format.table(section.table), section.heading)

    def entries(self, section: Section) -> Iterator[Part]:
        """The user's headings and paragraphs (nothing at all when they wrote nothing)."""
        for i, entry in enumerate(self.report.narrative.get(section.key, [])):
            if entry.heading and entry.heading.strip():
                yield ("heading2", full_width(entry.heading.strip()))
            for j, text in enumerate(entry.paragraphs):
                place = self.where.get(f"narrative.{section.key}.{i}.{j}",
                                       f"{section.sheet}(第{i + 1}项第{j + 1}段)")
                for part in self.user_text(text or "", place):
                    yield ("heading3", part[1]) if is_third_level_heading(part[1]) else part

    def user_text(self, text: str, where: str) -> Iterator[Part]:
        """A user's cell: rendered, then one paragraph per line, its punctuation next to
        Chinese characters made full-width as in the official format."""
        for line in split_paragraphs(render_text(text, self.context, where, self.budget)):
            yield ("paragraph", full_width(line))

"""Published reports built in code: the tool's own web page, as text a person may save."""

from __future__ import annotations

from make_report.core.model import Report
from make_report.importer.source import Line, html_lines
from make_report.writers.html import render_html


def page_lines(report: Report) -> list[Line]:
    """The report as the tool publishes it (its web page), as importer lines."""
    return html_lines(render_html(report))


def as_text(lines: list[Line], sep: str = "\t") -> str:
    """Lines as saved text: a table row's cells joined by ``sep`` ("" runs them together)."""
    return "\n".join(sep.join(line.cells) if line.kind == "grid" else line.text for line in lines)


def published_text(report: Report, sep: str = "\t") -> str:
    return as_text(page_lines(report), sep)

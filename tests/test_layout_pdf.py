"""The official look measured on rendered pages (LibreOffice PDF, ``pdftotext -bbox-layout``).

Each report is rendered once per test session (one LibreOffice run for all of them); the
tests then measure the pages: table labels never cut across pages, no heading last on a
page, the signature centred over the date, page numbers 7 mm below the text area and
28 characters x 22 lines on a page of body text.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import require_soffice
from make_report.core.grid import table_grid
from make_report.core.interchange import report_from_dict
from make_report.core.model import Entry, Report, zero_values
from make_report.formats import FORMATS
from make_report.narrative.parts import report_parts
from make_report.writers.docx import write_docx
from make_report.writers.docx_styles import MARGINS_MM
from make_report.writers.pdf import convert_to_pdf
from make_report.writers.table_widths import LABEL_MM
from pdf_pages import Page, column_text, read_pdf, require_pdftotext

EXAMPLES = Path(__file__).parents[1] / "example_inputs" / "data"
TEXT_BOTTOM_MM = 297 - MARGINS_MM["bottom"]
TEXT_TOP_MM = MARGINS_MM["top"]
PLAIN = ("政府信息公开工作坚持以公开为常态不公开为例外推进决策公开执行公开管理公开服务公开"
         "结果公开加强政策解读回应社会关切提升政务公开质量和实效")


def _example(name: str) -> Report:
    report, _ = report_from_dict(json.loads((EXAMPLES / f"{name}.json").read_text("utf-8")))
    return report


def _zero() -> Report:
    fmt = FORMATS["2021"]
    return Report(fmt, "某镇人民政府", 2024, dt.date(2025, 1, 15), values=zero_values(fmt))


def _two_hundred() -> Report:
    """200 applications in every cell: the widest numbers table 三 shows in practice."""
    fmt = FORMATS["2021"]
    values = {k: (v if not k.startswith("applications.") else 200)
              for k, v in zero_values(fmt).items()}
    return Report(fmt, "示例县人民政府", 2024, dt.date(2025, 1, 20), values=values)


def _two_hundred_lower() -> Report:
    """The same with 21 short paragraphs of overview: heading 三 falls 2½ lines above the
    foot of page 2, another place where LibreOffice's first layout left it stranded."""
    report = _two_hundred()
    report.narrative["overview"] = [Entry(None, ["政府信息公开工作坚持以公开为常。"] * 21)]
    return report


def _plain_text() -> Report:
    """Pages of body text only (Chinese characters, no punctuation inside a line): the page
    on which characters per line and lines per page are counted."""
    fmt = FORMATS["2021"]
    report = Report(fmt, "某县人民政府", 2024, dt.date(2025, 1, 20), values=zero_values(fmt))
    report.narrative["overview"] = [Entry(None, [PLAIN * 6 + "。"] * 4)]
    report.narrative["problems"] = [Entry("(一)存在的主要问题", [
        "1.公开质量有待提高", PLAIN * 2 + "。", "2.改进措施", PLAIN + "。"])]
    return report


REPORTS = {
    "2021": lambda: _example("示例县2024_完整示例"),
    "2019": lambda: _example("清流镇2019"),
    "hezuo": lambda: _example("合作市2023_已改正"),
    "zero": _zero,
    "long-agency": lambda: _example("马鹿沟镇2023"),
    "200-every-row": _two_hundred,
    "200-lower": _two_hundred_lower,
    "plain-text": _plain_text,
    "2021-unsealed": lambda: _example("示例县2024_完整示例"),
    "long-agency-unsealed": lambda: _example("马鹿沟镇2023"),
}
"""The examples of issue 11: 2021 full, 2019, all-zero, long agency name, 200 in every row."""
UNSEALED = {"2021-unsealed", "long-agency-unsealed"}
"""Written for a report without a seal (``--unsealed``, GB/T 9704 7.3.5.2)."""


@dataclass
class Rendered:
    report: Report
    pages: list[Page]

    def page_of(self, text: str) -> int:
        """The page whose text (spaces removed) holds ``text``; 0 when none does."""
        for page in self.pages:
            if text in "".join(ln.text for ln in page.lines).replace(" ", ""):
                return page.number
        return 0


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    require_soffice()
    require_pdftotext()
    folder = tmp_path_factory.mktemp("layout")
    reports = {name: make() for name, make in REPORTS.items()}
    docs = []
    for name, report in reports.items():
        write_docx(report, folder / f"{name}.docx", sealed=name not in UNSEALED)
        docs.append(folder / f"{name}.docx")
    pdfs = [d.with_suffix(".pdf") for d in docs]
    convert_to_pdf(docs, pdfs)
    return {name: Rendered(reports[name], read_pdf(pdf))
            for name, pdf in zip(reports, pdfs, strict=True)}


TABLE_REPORTS = ["2021", "2019", "hezuo", "zero", "long-agency", "200-every-row", "200-lower"]


def _label_columns() -> list[tuple[float, float]]:
    """Table 三's label columns in mm from the page's left edge."""
    left = MARGINS_MM["left"]
    bounds = []
    for width in LABEL_MM:
        bounds.append((left, left + width))
        left += width
    return bounds


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", TABLE_REPORTS)
def test_table_three_labels_are_never_cut_across_pages(rendered, name):
    doc = rendered[name]
    grid = table_grid(doc.report.format.table("applications"))
    columns = _label_columns()
    for cell in grid.cells:
        if cell.role != "label":
            continue
        left, right = columns[cell.col]
        shown = [column_text(p, left - 0.5, right - 0.5) for p in doc.pages]
        assert any(_squeeze(cell.text) in text for text in shown), \
            f"{name}: label {cell.text} is cut across pages"


@pytest.mark.parametrize("name", TABLE_REPORTS)
def test_table_three_groups_stay_on_one_page(rendered, name):
    doc = rendered[name]
    grid = table_grid(doc.report.format.table("applications"))
    columns = _label_columns()

    def pages_of(text: str, col: int) -> set[int]:
        left, right = columns[col]
        return {p.number for p in doc.pages
                if _squeeze(text) in column_text(p, left - 0.5, right - 0.5)}

    groups = [c for c in grid.cells if c.role == "label" and c.col > 0 and c.rowspan > 1]
    assert len(groups) >= 3  # （三）（四）（五）, and （六） in 2021 (one row in 2019)
    for group in groups:
        items = [c for c in grid.cells if c.role == "label" and c.col == group.col + 1
                 and group.row <= c.row < group.row + group.rowspan]
        where = pages_of(group.text, group.col)
        assert len(where) == 1, f"{name}: {group.text} on pages {where}"
        for item in items:
            assert pages_of(item.text, item.col) == where, \
                f"{name}: {item.text} not on the page of {group.text}"


def _headings(report: Report) -> list[str]:
    return [part[1] for part in report_parts(report) if part[0] in ("heading1", "heading2", "heading3")]


@pytest.mark.parametrize("name", list(REPORTS))
def test_no_heading_is_last_on_a_page(rendered, name):
    doc = rendered[name]
    headings = {_squeeze(h) for h in _headings(doc.report)}
    for page in doc.pages[:-1]:
        body = page.body(TEXT_BOTTOM_MM + 1)
        assert body, f"{name}: page {page.number} is empty"
        assert _squeeze(body[-1].text) not in headings, \
            f"{name}: heading {body[-1].text} is last on page {page.number}"


@pytest.mark.parametrize("name", TABLE_REPORTS)
def test_each_table_starts_on_the_page_of_its_heading(rendered, name):
    """The heading, its introductory sentence and the table's first rows share a page."""
    doc = rendered[name]
    for section in doc.report.format.sections:
        if not section.table:
            continue
        cells = table_grid(doc.report.format.table(section.table)).cells
        first = next((c.text for c in cells if c.role == "label"), cells[0].text)
        page = doc.pages[doc.page_of(_squeeze(section.title)) - 1]
        text = "".join(ln.text for ln in page.lines).replace(" ", "")
        assert _squeeze(first) in text, f"{name}: {section.title} and its table on two pages"


SIGNED = ["2021", "2019", "hezuo", "zero", "long-agency", "200-every-row"]
CHAR_MM = 16 * 25.4 / 72  # one 三号 character


def _line(doc: Rendered, text: str):
    last = doc.pages[-1]
    return next(ln for ln in reversed(last.lines) if _squeeze(ln.text) == _squeeze(text))


@pytest.mark.parametrize("name", SIGNED)
def test_signature_is_centred_over_the_date(rendered, name):
    """GB/T 9704 7.3.5.1: the date 4 characters in from the right (further in when a long
    name needs it), the agency name centred over it, never nearer the edge than 2."""
    doc = rendered[name]
    from make_report.core.model import format_date

    agency, date = _line(doc, doc.report.agency), _line(doc, format_date(doc.report.date))
    assert agency.y0 < date.y0
    centre = lambda ln: (ln.x0 + ln.x1) / 2  # noqa: E731
    assert abs(centre(agency) - centre(date)) < 1.5, f"{name}: name not centred over date"
    right_edge = 210 - MARGINS_MM["right"]
    assert right_edge - date.x1 >= 4 * CHAR_MM - 1.5
    assert right_edge - agency.x1 >= 2 * CHAR_MM - 1.5


@pytest.mark.parametrize("name", sorted(UNSEALED))
def test_unsealed_signature_name_two_in_and_date_two_right_of_it(rendered, name):
    """GB/T 9704 7.3.5.2: the agency name 2 characters in from the right, the date on the
    line below starting 2 characters right of the name's first character (a date longer
    than that allows stays 2 in and the name moves left)."""
    doc = rendered[name]
    from make_report.core.model import format_date

    agency, date = _line(doc, doc.report.agency), _line(doc, format_date(doc.report.date))
    assert agency.y0 < date.y0
    right_edge = 210 - MARGINS_MM["right"]
    nearest = min(right_edge - agency.x1, right_edge - date.x1)
    assert nearest == pytest.approx(2 * CHAR_MM, abs=1.5)
    assert date.x0 - agency.x0 == pytest.approx(2 * CHAR_MM, abs=1.5)


@pytest.mark.parametrize("name", list(REPORTS))
def test_page_numbers_sit_7_mm_below_the_text_area(rendered, name):
    """GB/T 9704 7.5: ``— N —`` in 四号, its dashes 7 mm below the type area; odd pages on
    the right, even pages on the left, one character in from the edge."""
    for page in rendered[name].pages:
        footer = page.footer(TEXT_BOTTOM_MM)
        assert len(footer) == 1, f"{name} page {page.number}: {[ln.text for ln in footer]}"
        number = footer[0]
        assert number.text.replace(" ", "") == f"—{page.number}—"
        dashes = (number.y0 + number.y1) / 2
        assert dashes - TEXT_BOTTOM_MM == pytest.approx(7, abs=0.6)
        quarter = 14 * 25.4 / 72
        if page.number % 2:
            assert 210 - MARGINS_MM["right"] - number.x1 == pytest.approx(quarter, abs=1)
        else:
            assert number.x0 - MARGINS_MM["left"] == pytest.approx(quarter, abs=1)


def test_a_page_of_body_text_holds_22_lines_of_28_characters(rendered):
    """GB/T 9704 5.2.2: 22 lines a page, 28 characters a line, filling the type area."""
    doc = rendered["plain-text"]
    page = doc.pages[1]  # all body text: the title and heading sit on page 1
    lines = page.body(TEXT_BOTTOM_MM)
    assert len(lines) == 22
    pitches = [b.y0 - a.y0 for a, b in itertools.pairwise(lines)]
    assert all(p == pytest.approx(28.95 * 25.4 / 72, abs=0.15) for p in pitches)
    assert TEXT_BOTTOM_MM - lines[-1].y1 < 1.5, "the 22nd line ends at the foot of the type area"
    assert lines[0].y0 - TEXT_TOP_MM < 4
    full = [ln for ln in lines if not ln.text.endswith("。") and ln.x0 < MARGINS_MM["left"] + 1]
    assert len(full) >= 15
    assert {len(ln.text) for ln in full} == {28}
    right_edge = 210 - MARGINS_MM["right"]
    assert all(abs(ln.x1 - right_edge) < 1 for ln in full)
    first_lines = [ln for ln in lines if ln.x0 > MARGINS_MM["left"] + 5]
    assert first_lines and {len(ln.text) for ln in first_lines} == {26}  # 2 characters in


HALF_NEXT_TO_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]")


@pytest.mark.parametrize("name", list(REPORTS))
def test_no_half_width_punctuation_next_to_chinese_on_any_page(rendered, name):
    """The examples held 70-80 half-width marks next to Chinese text; now none."""
    bad = [(page.number, ln.text) for page in rendered[name].pages for ln in page.lines
           if HALF_NEXT_TO_CHINESE.search(ln.text)]
    assert not bad, f"{name}: {bad[:5]}"


def test_numbered_lines_of_the_clerks_text_are_third_level_headings(rendered):
    doc = rendered["plain-text"]
    assert doc.page_of("1.公开质量有待提高") and doc.page_of("2.改进措施")
    assert "1.公开质量有待提高" in _headings(doc.report)


def test_without_the_export_macro_the_plain_conversion_still_makes_the_pdf(tmp_path,
                                                                         monkeypatch):
    """Another LibreOffice that will not run the Basic macro still gives a PDF (laid out
    once, as ``--convert-to`` does)."""
    require_soffice()
    require_pdftotext()
    from make_report.writers import pdf

    monkeypatch.setattr(pdf, "_install_macro", lambda *args: False)
    doc = tmp_path / "报告.docx"
    write_docx(_zero(), doc)
    convert_to_pdf([doc], [doc.with_suffix(".pdf")])
    pages = read_pdf(doc.with_suffix(".pdf"))
    assert "某镇人民政府" in "".join(ln.text for ln in pages[0].lines)

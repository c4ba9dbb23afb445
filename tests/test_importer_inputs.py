"""Importing from every kind of input: encodings of plain text, HTML tables with rowspan and
colspan, Word tables with merged cells, and the tool's own Word and HTML output."""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importer_refs import reference
from make_report.core.errors import InputError
from make_report.core.grid import table_grid
from make_report.core.model import Entry, Report
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.importer import import_report


def _sample(fmt_id: str, seed: int = 5) -> Report:
    report = consistent_report(FORMATS[fmt_id], seed=seed, agency="示例县人民政府")
    report.date = dt.date(report.year + 1, 1, 20)
    report.narrative = {
        "overview": [Entry(None, ["本年度,示例县认真落实政府信息公开条例。"]),
                     Entry("(一)主动公开", ["主动公开政府信息一批。"]),
                     Entry("(二)依申请公开", ["依法答复每一件申请。"])],
        "problems": [Entry(None, ["公开内容还不够全面。"])],
        "other": [Entry(None, ["本年度未收取信息处理费。"])],
    }
    return report


def _assert_same_numbers(result, report: Report) -> None:
    assert result.report.format.id == report.format.id
    assert {k: result.report.values.get(k) for k in report.values} == report.values
    assert result.unread == []


# --- plain text encodings ---------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_text_in_gb18030_or_utf8_with_bom_reads_like_utf8(tmp_path, encoding):
    source = reference("004_1cf59b4176a625ae.txt")
    copy = tmp_path / "report.txt"
    copy.write_bytes(source.read_text(encoding="utf-8").encode(encoding, errors="replace"))
    original, again = import_report(source), import_report(copy)
    assert again.report.values == original.report.values
    assert (again.report.agency, again.report.year) == ("合作市", 2023)
    assert [f.message for f in again.findings] == [f.message for f in original.findings]


def test_unknown_file_type_is_an_input_error(tmp_path):
    path = tmp_path / "report.odt"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=r"无法导入该类型的文件,请提供 \.docx、\.pdf、\.html"):
        import_report(path)


def test_text_that_is_no_report_is_an_input_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\n今天讨论了三件事。\n", encoding="utf-8")
    with pytest.raises(InputError, match="无法导入"):
        import_report(path)


def _flat_text(report: Report) -> str:
    """The report as a web page's text often comes: every table cell on a line of its own
    (000, 004), headers and merged labels included, in reading order."""
    lines = ["首页 | 政府信息公开", f"{report.agency}{report.year}年政府信息公开工作年度报告"]
    for section in report.format.sections:
        lines.append(section.title)
        for entry in report.narrative.get(section.key, []):
            lines += ([entry.heading] if entry.heading else []) + entry.paragraphs
        if section.table:
            grid = table_grid(report.format.table(section.table))
            lines += [str(report.value(c.field)) if c.field else c.text
                      for c in sorted(grid.cells, key=lambda c: (c.row, c.col))]
    lines += [report.agency, f"{report.date.year}年{report.date.month}月{report.date.day}日"]
    return "\n\n".join(lines)


@settings(max_examples=25, deadline=None)
@given(fmt_id=st.sampled_from(list(FORMATS)), seed=st.integers(0, 10**6))
def test_any_consistent_report_survives_one_value_per_line_text(tmp_path_factory, fmt_id, seed):
    report = _sample(fmt_id, seed)
    path = tmp_path_factory.mktemp("flat") / "report.txt"
    path.write_text(_flat_text(report), encoding="utf-8")
    result = import_report(path)
    _assert_same_numbers(result, report)
    assert [f for f in result.findings if f.rule == "I1"] == []


# --- HTML ---------------------------------------------------------------------------------

def _html_table(table, report: Report, blank: str | None = None) -> str:
    """An official table as HTML with the merges of the official layout."""
    rows: dict[int, list[str]] = {}
    for cell in sorted(table_grid(table).cells, key=lambda c: (c.row, c.col)):
        text = cell.text
        if cell.field:
            text = "&nbsp;" if cell.field == blank else escape(str(report.value(cell.field)))
        tag = "td" if cell.field else "th"
        rows.setdefault(cell.row, []).append(
            f'<{tag} rowspan="{cell.rowspan}" colspan="{cell.colspan}">{text}</{tag}>')
    return "<table>" + "".join(f"<tr>{''.join(r)}</tr>\n" for _, r in sorted(rows.items())) \
        + "</table>"


def _html_page(report: Report, blank: str | None = None, layout: bool = False) -> str:
    """A disclosure page: navigation, the report, a site footer; optionally the whole
    article inside a layout table, as older government sites do."""
    parts = ['<html><head><meta charset="utf-8"><title>网站</title></head><body>',
             "<table><tr><td>导航</td></tr><tr><td>" if layout else "",
             "<ul><li>首页</li><li>政府信息公开年报</li></ul>",
             f"<h1>{report.agency}{report.year} 年政府信息公开工作年度报告</h1>",
             "<p>发布时间:2025-01-21&nbsp;&nbsp;点击数:12</p>"]
    for section in report.format.sections:
        parts.append(f"<p><strong>{section.title}</strong></p>")
        for entry in report.narrative.get(section.key, []):
            if entry.heading:
                parts.append(f"<p>（{entry.heading[1]}）{entry.heading[3:]}</p>")  # full-width
            parts.extend(f"<p>&nbsp;&nbsp;{p}</p>" for p in entry.paragraphs)
        if section.table:
            parts.append(_html_table(report.format.table(section.table), report, blank))
    parts += [f'<p style="text-align:right">{report.agency}</p>',
              f'<p style="text-align:right">{report.date.year}年{report.date.month}月'
              f"{report.date.day}日</p>", "</td></tr></table>" if layout else "",
              "<div>主办:示例县人民政府办公室</div></body></html>"]
    return "\n".join(parts)


@pytest.mark.parametrize(("fmt_id", "layout"), [("2021", False), ("2019", False),
                                                ("2021", True)])
def test_html_tables_with_rowspan_and_colspan(tmp_path, fmt_id, layout):
    report = _sample(fmt_id)
    path = tmp_path / "report.html"
    path.write_text(_html_page(report, layout=layout), encoding="utf-8")
    result = import_report(path)
    _assert_same_numbers(result, report)
    assert (result.report.agency, result.report.year, result.report.date) == \
        (report.agency, report.year, report.date)
    assert [e.heading for e in result.report.narrative["overview"]] == \
        [None, "(一)主动公开", "(二)依申请公开"]
    assert result.report.narrative["other"][0].paragraphs == ["本年度未收取信息处理费。"]


def test_html_blank_cell_is_unread_with_a_warning(tmp_path):
    report = _sample("2021")
    path = tmp_path / "report.htm"
    blank = "applications.granted.0"
    path.write_text(_html_page(report, blank=blank), encoding="gb18030")
    result = import_report(path)
    assert result.unread == [blank] and result.blank == [blank]
    assert any(f.rule == "I1" and "（一）予以公开·自然人" in f.message for f in result.findings)


# --- Word ---------------------------------------------------------------------------------

def _docx_table(doc, table, report: Report) -> None:
    """An official table in Word, merged cell by cell with python-docx (gridSpan/vMerge)."""
    grid = table_grid(table)
    t = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    matrix = [list(row.cells) for row in t.rows]  # t.cell() rescans the table: once only
    spanning = [c for c in grid.cells if c.rowspan > 1 or c.colspan > 1]
    def text(cell) -> str:
        return str(report.value(cell.field)) if cell.field else cell.text

    for cell in grid.cells:
        if cell not in spanning:
            matrix[cell.row][cell.col].text = text(cell)
    for cell in spanning:
        end = t.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1)
        t.cell(cell.row, cell.col).merge(end).text = text(cell)


def _docx(report: Report, path, numbered: bool = True) -> None:
    """A Word report; unnumbered headings are what Word's automatic numbering leaves."""
    import docx

    doc = docx.Document()
    doc.add_paragraph(report.agency).add_run().add_break()
    doc.paragraphs[-1].add_run(f"{report.year}年政府信息公开工作年度报告")
    for section in report.format.sections:
        doc.add_paragraph(section.title if numbered else section.heading)
        for entry in report.narrative.get(section.key, []):
            if entry.heading:
                doc.add_paragraph(entry.heading)
            for text in entry.paragraphs:
                doc.add_paragraph(text)
        if section.table:
            doc.add_paragraph("本年度的数字见下表。")
            _docx_table(doc, report.format.table(section.table), report)
    doc.add_paragraph(report.agency)
    doc.add_paragraph(f"{report.date.year}年{report.date.month}月{report.date.day}日")
    doc.save(str(path))


@pytest.mark.parametrize(("fmt_id", "numbered"), [("2021", True), ("2019", True),
                                                  ("2021", False)])
def test_word_tables_with_merged_cells(tmp_path, fmt_id, numbered):
    report = _sample(fmt_id, seed=11)
    path = tmp_path / "report.docx"
    _docx(report, path, numbered)
    result = import_report(path)
    _assert_same_numbers(result, report)
    assert (result.report.agency, result.report.year, result.report.date) == \
        (report.agency, report.year, report.date)
    assert result.report.narrative["problems"] == report.narrative["problems"]


def test_damaged_word_file_is_an_input_error(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="Word"):
        import_report(path)


# --- the tool's own output ------------------------------------------------------------------

@pytest.mark.parametrize("fmt_id", list(FORMATS))
def test_round_trip_through_the_word_writer(tmp_path, fmt_id):
    writer = pytest.importorskip("make_report.writers.docx")
    report = _sample(fmt_id, seed=21)
    path = tmp_path / "report.docx"
    writer.write_docx(report, path)
    result = import_report(path)
    _assert_same_numbers(result, report)
    assert (result.report.agency, result.report.year, result.report.date) == \
        (report.agency, report.year, report.date)
    headings = [e.heading for e in result.report.narrative["overview"] if e.heading]
    assert headings == ["(一)主动公开", "(二)依申请公开"]


@pytest.mark.parametrize("fmt_id", list(FORMATS))
def test_round_trip_through_the_html_writer(tmp_path, fmt_id):
    writer = pytest.importorskip("make_report.writers.html")
    report = _sample(fmt_id, seed=22)
    path = tmp_path / "report.html"
    path.write_text(writer.render_html(report), encoding="utf-8")
    result = import_report(path)
    _assert_same_numbers(result, report)
    assert (result.report.agency, result.report.year, result.report.date) == \
        (report.agency, report.year, report.date)

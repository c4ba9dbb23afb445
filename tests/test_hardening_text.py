"""Names and text cannot spoof (issue 14, point 8).

Control characters (ESC sequences, NUL), bidi overrides (U+202E) and zero-width spaces in
an agency's name, a narrative cell, interchange JSON, a published report or a file's name
never reach the terminal, the Word document, the web page or an output file's name raw.
What a clerk typed or pasted is read without them, and rule H1 names the cell; the rest
of the text is kept as it was.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from make_report import api
from make_report.cli.main import main
from make_report.core.layout import workbook_layout
from make_report.formats import FORMATS
from package_parts import rewrite_parts
from test_bad_inputs import TEXT, valid

FMT = FORMATS["2021"]
META = FMT.meta_sheet
AGENCY_CELL = workbook_layout(FMT).meta_cells["agency"]
# what may never be written anywhere: C0 controls (tab and newline aside), DEL, C1, bidi
# controls and marks, zero-width characters, lone surrogates
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e"
                    "\u2060-\u2069\ufeff\ud800-\udfff\U000e0000-\U000e007f]")
SPOOFED = "示例&#x202E;县_x001B_[31m人民&#x200B;政府"
"""The agency as a workbook's XML holds it (``_x001B_`` is how a workbook writes ESC)."""


def spoofed_workbook(tmp: Path, name: str = "工作簿.xlsx") -> Path:
    """A valid workbook whose agency and one narrative cell carry hidden characters."""
    source = valid(tmp, name)
    wb = openpyxl.load_workbook(source)
    wb[META][AGENCY_CELL] = "AGENCY"
    wb[TEXT]["B7"] = "本年度NARRATIVE问题已整改。"
    wb.save(source)

    def edit(part: str, data: bytes) -> bytes:
        data = data.replace(b"AGENCY", SPOOFED.encode())
        return data.replace(b"NARRATIVE", b"&#x200B;_x0000_&#x2066;x&#x2069;_x0007_")

    return rewrite_parts(source, edit)


def paragraphs(report) -> list[str]:
    return [p for e in report.narrative["problems"] for p in e.paragraphs]


def text_of_docx(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return "".join(zf.read(n).decode("utf-8") for n in zf.namelist()
                       if n.endswith(".xml"))


def test_hidden_characters_in_cells_are_taken_out_and_named(tmp_path):
    result = api.check(spoofed_workbook(tmp_path))
    report = result.report
    assert report.agency == "示例县[31m人民政府"  # what was visible stays, to be corrected
    assert "本年度x问题已整改。" in paragraphs(report)
    h1 = sorted(f.message for f in result.findings if f.rule == "H1")
    assert h1 == [
        f"{TEXT}!B7 含有看不见的字符 U+200B(零宽空格)、U+0000(控制字符)、U+2066(文字方向控制符)、"
        "U+2069(文字方向控制符)、U+0007(控制字符),已在报告、网页和文件名中删除;请核对该处文字",
        f"{META}!{AGENCY_CELL} 机关名称 含有看不见的字符 U+202E(文字方向控制符)、U+001B(控制字符)、"
        "U+200B(零宽空格),已在报告、网页和文件名中删除;请核对该处文字"]
    assert all(f.severity == "warning" for f in result.findings if f.rule == "H1")


def test_hidden_characters_reach_no_output_and_no_terminal(tmp_path, capsys):
    source = spoofed_workbook(tmp_path)
    assert main([str(source), "--html"]) == 0
    out, err = capsys.readouterr()
    assert not UNSAFE.search(out + err)
    assert "H1" in out and "U+202E(文字方向控制符)" in out.replace("\n", "").replace("│", "")
    made = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".docx", ".html"))
    assert made == ["示例县[31m人民政府2024年政府信息公开工作年度报告.docx",
                    "示例县[31m人民政府2024年政府信息公开工作年度报告.html"]
    body = text_of_docx(tmp_path / made[0])
    page = (tmp_path / made[1]).read_text(encoding="utf-8")
    for text in (body, page):
        assert not UNSAFE.search(text)
        assert "示例县[31m人民政府" in text and "本年度x问题已整改。" in text


def test_a_template_cannot_write_hidden_characters_into_the_document(tmp_path):
    source = valid(tmp_path)
    wb = openpyxl.load_workbook(source)
    wb[TEXT]["B7"] = '本年{{ "\\u202e\\u200b" }}无问题。'
    wb.save(source)
    result = api.build(source, tmp_path / "报告.docx", html=True)
    assert result.written
    body = text_of_docx(tmp_path / "报告.docx")
    assert "本年无问题。" in body and not UNSAFE.search(body)
    assert not UNSAFE.search((tmp_path / "报告.html").read_text(encoding="utf-8"))


def test_windows_line_breaks_in_a_cell_are_one_break_and_no_finding(tmp_path):
    source = valid(tmp_path)
    wb = openpyxl.load_workbook(source)
    wb[TEXT]["B7"] = "第一行MARK第二行"
    wb.save(source)
    rewrite_parts(source, lambda part, data: data.replace(b"MARK", b"_x000D_\n"))
    result = api.check(source)
    assert "第一行\n第二行" in paragraphs(result.report)
    assert not [f for f in result.findings if f.rule == "H1"]


def test_interchange_json_is_cleaned_the_same_way(tmp_path, capsys):
    data = api.export(valid(tmp_path))
    data["agency"] = "示例\u202e县人民政府"
    data["narrative"]["problems"][0]["paragraphs"][0] = "本年度\u200b问题\U000e0041已整改。"
    path = tmp_path / "数据.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = api.check(path)
    assert result.report.agency == "示例县人民政府"
    assert sorted(f.message.split(" ")[1] for f in result.findings if f.rule == "H1") == [
        "agency", "narrative/problems/0/paragraphs/0"]
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert not UNSAFE.search(out + err) and "JSON agency 含有看不见的字符 U+202E" in out
    assert "U+200B(零宽空格)、U+E0041(不可见字符)" in out.replace("\n", "").replace(" ", "")
    assert "本年度问题已整改。" in [p for e in result.report.narrative["problems"]
                                for p in e.paragraphs]


def test_a_published_report_with_hidden_characters_is_imported(tmp_path, capsys):
    """Once 程序内部错误: openpyxl refuses ESC in a cell."""
    api.build(valid(tmp_path), tmp_path / "报告.docx", html=True)
    page = (tmp_path / "报告.html").read_text(encoding="utf-8")
    (tmp_path / "坏.html").write_text(
        page.replace("示例县人民政府", "示例\u202e县\x1b[31m人民\u200b政府"), encoding="utf-8")
    assert main(["import", str(tmp_path / "坏.html"), "-o", str(tmp_path / "导入.xlsx")]) == 0
    out, err = capsys.readouterr()
    assert not UNSAFE.search(out + err)
    result = api.check(tmp_path / "导入.xlsx")
    assert result.report.agency == "示例县[31m人民政府"


def test_file_names_with_hidden_characters_in_a_batch_and_an_audit(tmp_path, capsys):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    valid(inbox, "甲\u202excod.xlsx")
    valid(inbox, "乙\x1b[2J.xlsx")
    out = tmp_path / "输出"
    assert main(["batch", str(inbox), "-o", str(out), "--html"]) == 0
    said = "".join(capsys.readouterr())
    assert not UNSAFE.search(said) and "甲\\u202excod.xlsx" in said
    made = sorted(p.name for p in out.iterdir() if p.suffix != ".json")
    assert made == ["乙_u001b_[2J.docx", "乙_u001b_[2J.html", "甲_u202e_xcod.docx",
                    "甲_u202e_xcod.html"]
    published = tmp_path / "已发布"
    published.mkdir()
    for name in made:
        if name.endswith(".docx"):
            (published / name.replace("_u202e_", "\u202e").replace("_u001b_", "\x1b")).write_bytes(
                (out / name).read_bytes())
    capsys.readouterr()
    assert main(["audit", str(published), "-o", str(tmp_path / "审核.xlsx"), "--html"]) == 0
    said = "".join(capsys.readouterr())
    assert not UNSAFE.search(said)
    page = (tmp_path / "审核.html").read_text(encoding="utf-8")
    assert not UNSAFE.search(page) and "甲\\u202excod.docx" in page
    book = openpyxl.load_workbook(tmp_path / "审核.xlsx")
    cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value]
    assert not UNSAFE.search("".join(cells)) and "甲\\u202excod.docx" in cells


@pytest.mark.parametrize("name", ["报\u202e告.xlsx", "报\u200b告.xlsx", "报\x7f告.xlsx"])
def test_a_summary_names_such_files_visibly(tmp_path, capsys, name):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    valid(inbox, name)
    assert main(["summary", str(inbox), "-o", str(tmp_path / "汇总.xlsx")]) == 0
    assert not UNSAFE.search("".join(capsys.readouterr()))
    book = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    cells = "".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)
    assert not UNSAFE.search(cells)
    assert f"报\\u{ord(name[1]):04x}告.xlsx" in cells


def test_json_on_the_terminal_shows_no_hidden_character_and_stays_the_same_json(tmp_path,
                                                                                capsys):
    source = valid(tmp_path)
    wb = openpyxl.load_workbook(source)
    table = workbook_layout(FMT).tables
    sheet = next(t for t in table.values() if t.name == "三、依申请公开")
    address = next(iter(sheet.cells.values()))
    wb[sheet.name][address] = "1\u202e2"  # text in a number cell: quoted in the finding
    wb.save(source)
    assert main(["check", "--json", str(source)]) == 1
    out = capsys.readouterr().out
    assert not UNSAFE.search(out)
    found = [f for f in json.loads(out)["findings"] if address in f["cells"]]
    assert found and "1\u202e2" in json.dumps(found, ensure_ascii=False)


def test_a_file_name_that_is_not_utf8_is_named_everywhere(tmp_path, capsys):
    """Linux hands such a name to Python with lone surrogates (U+DCFF): once the batch's
    record could not be written (程序内部错误)."""
    import os

    inbox = tmp_path / "收件"
    inbox.mkdir()
    name = os.fsdecode(b"\xff\xfe.xlsx")
    valid(inbox, name)
    out = tmp_path / "输出"
    assert main(["batch", str(inbox), "-o", str(out)]) == 0
    assert main(["summary", str(inbox), "-o", str(tmp_path / "汇总.xlsx")]) == 0
    said = "".join(capsys.readouterr())
    assert not UNSAFE.search(said) and "\\udcff\\udcfe.xlsx" in said
    record = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert [i["file"] for i in record["items"]] == [name]  # the name itself, escaped in JSON
    assert sorted(p.name for p in out.iterdir()) == ["_udcff__udcfe_.docx", "batch-report.json"]

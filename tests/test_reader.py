"""The reader tolerates what clerks type, and refuses unusable files with one sentence."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from make_report import api
from make_report.cli.main import main
from make_report.core.errors import InputError
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook

SHEET = "三、依申请公开"


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "filled.xlsx"
    write_workbook(FORMATS["2021"], path, consistent_report(FORMATS["2021"], seed=11))
    return path


def edit(path, sheet, **cells):
    wb = openpyxl.load_workbook(path)
    for address, value in cells.items():
        wb[sheet][address] = value
    wb.save(path)


def problems(path):
    return [(f.rule, f.severity, f.cells, f.message) for f in api.check(path).findings
            if f.rule in ("N1", "N2", "M1", "M2")]


def test_blank_template_reads_as_zeros_with_a_note(tmp_path):
    path = api.template(tmp_path / "blank.xlsx", agency="某镇人民政府", year=2024)
    result = api.check(path)
    # zeros are fine; the only error is the empty section 五 a reviewer would reject
    assert [f.rule for f in result.findings.errors] == ["C5"]
    assert set(result.report.values.values()) == {0}
    notes = [f for f in result.findings if f.rule == "B1"]
    assert {f.sheet for f in notes} == {"二、主动公开", SHEET, "四、复议诉讼"}
    assert all(f.severity == "info" for f in notes)


def test_number_typed_as_text_is_refused_as_the_sheet_counts_it_as_0(filled):
    value = api.read(filled).report.values["applications.granted.0"]
    edit(filled, SHEET, D10=f" {value} ")
    found = [(f.rule, f.severity, f.cells, f.message) for f in api.check(filled).findings
             if f.rule == "X1"]
    assert found == [("X1", "error", ("D10",),
                      f"{SHEET}!D10 （一）予以公开·自然人 是文本“{value}”,不是数字:表中的合计和勾稽检查"
                      "按 0 计,与报告不符;请把单元格格式改为“常规”后重新输入数字")]
    assert api.read(filled).report.values["applications.granted.0"] == 0


@pytest.mark.parametrize("word", ["无", "-", "/"])
def test_placeholder_words_read_as_zero_with_a_warning(tmp_path, word):
    path = api.template(tmp_path / "t.xlsx", agency="某局", year=2023)
    edit(path, SHEET, E12=word)
    assert problems(path) == [("N2", "warning", ("E12",),
                               f"{SHEET}!E12 1.属于国家秘密·商业企业 填写了“{word}”,已按 0 读取")]


@pytest.mark.parametrize(("value", "problem"), [
    ("六件", "应填写数字,实为“六件”"),
    (2.5, "件数应为整数,实为 2.5"),
    (-3, "不能为负数,实为 -3"),
    (True, "应填写数字,实为逻辑值 TRUE"),
])
def test_bad_counts_are_errors_at_their_cell(tmp_path, value, problem):
    path = api.template(tmp_path / "t.xlsx", agency="某局", year=2023)
    edit(path, SHEET, F20=value)
    assert problems(path) == [("N1", "error", ("F20",),
                               f"{SHEET}!F20 1.本机关不掌握相关政府信息·科研机构 {problem}")]
    assert main(["check", str(path)]) == 1


def test_formulas_without_cached_values_are_recomputed(tmp_path):
    path = api.template(tmp_path / "t.xlsx", agency="某局", year=2023)
    # openpyxl never stores cached values: every total in this file is an uncomputed formula
    edit(path, SHEET, D8=4, E8="=1+1", D10=4, E10=2)
    result = api.check(path)
    assert result.report.values["applications.new_received.6"] == 6
    assert result.report.values["applications.total_handled.6"] == 6
    assert [f.rule for f in result.findings.errors] == ["C5"]  # the blank section 五 only


def test_the_same_formulas_in_two_workbooks_give_each_its_own_totals(tmp_path):
    """Formulas are parsed once per text and shared; what they add up is each workbook's."""
    totals = []
    for n, value in ((1, 4), (2, 9)):
        path = api.template(tmp_path / f"t{n}.xlsx", agency="某局", year=2023)
        edit(path, SHEET, D8=value, E8="=D8+1", D10="=SUM(D8:E8)")
        values = api.check(path).report.values
        totals.append((values["applications.new_received.0"],
                       values["applications.new_received.1"],
                       values["applications.granted.0"]))
    assert totals == [(4, 5, 9), (9, 10, 19)]


def test_formula_error_value_is_reported(tmp_path):
    path = api.template(tmp_path / "t.xlsx", agency="某局", year=2023)
    edit(path, SHEET, D8="=#REF!+1")
    assert problems(path)[0][:3] == ("N1", "error", ("D8",))
    assert "#REF!" in problems(path)[0][3]


def test_missing_sheet_is_unusable(filled, capsys):
    wb = openpyxl.load_workbook(filled)
    wb[SHEET].title = "依申请"
    wb.save(filled)
    with pytest.raises(InputError, match="找不到工作表“三、依申请公开”"):
        api.check(filled)
    assert main(["check", str(filled)]) == 2
    assert "无法处理:filled.xlsx:找不到工作表“三、依申请公开”" in capsys.readouterr().err


def test_deleted_row_is_unusable(filled):
    wb = openpyxl.load_workbook(filled)
    wb[SHEET].delete_rows(12)
    wb.save(filled)
    with pytest.raises(InputError, match=r"三、依申请公开!B12 应为“（三）不予公开”,实为“”。表格的行或列被插入、删除"):
        api.check(filled)


@pytest.mark.parametrize(("name", "content", "says"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel 97-2003 工作簿(.xls)"),
    ("wps.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "WPS 表格(.et)"),
    ("data.csv", "项目,数量\n新收,6\n".encode("gb18030"), "CSV 文本"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"),
     "设置了打开密码"),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 40, "文件已损坏"),
    ("empty.xlsx", b"", "文件是空的"),
])
def test_unusable_files_get_one_sentence_and_exit_2(tmp_path, capsys, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_numbers_file_and_word_file_are_named(tmp_path, capsys):
    for name, member in (("a.numbers", "Index/Document.iwa"), ("b.xlsx", "word/document.xml")):
        with zipfile.ZipFile(tmp_path / name, "w") as zf:
            zf.writestr(member, "x")
    assert main(["check", str(tmp_path / "a.numbers")]) == 2
    assert "Numbers 表格" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "b.xlsx")]) == 2
    assert "这是 Word 文档" in capsys.readouterr().err


def test_year_outside_workbook_format_names_both(tmp_path):
    path = api.template(tmp_path / "t.xlsx", agency="某镇", year=2020)
    edit(path, "基本信息", B5=2022)
    with pytest.raises(InputError, match=r"2019年试行格式.*报告年度为2022年.*2021年版格式"):
        api.check(path)
    assert api.check(path, format_id="2019").report.format.id == "2019"

"""Interchange JSON in: numbers under exactly the rules of a workbook cell, a year that is
a year, and every problem one Chinese sentence naming the JSON key."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from make_report.cli.main import main
from make_report.core import cells
from make_report.core.errors import InputError
from make_report.core.interchange import report_from_dict, report_to_dict
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS

EXAMPLE = Path(__file__).parents[1] / "example_inputs" / "data" / "示例县2024_完整示例.json"
FEES = "JSON active_disclosure/fees_10k_yuan 行政事业性收费·本年收费金额（单位：万元） "
GRANTED = "JSON applications/granted/3 （一）予以公开·社会公益组织 "
FMT = FORMATS["2021"]
AMOUNT = FMT.field_map["active_disclosure.fees_10k_yuan"]
COUNT = FMT.field_map["applications.granted.3"]


def data() -> dict:
    return copy.deepcopy(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def with_fee(value) -> dict:
    out = data()
    out["active_disclosure"]["fees_10k_yuan"] = value
    return out


def with_count(value) -> dict:
    out = data()
    out["applications"]["granted"][3] = value
    return out


def errors(d: dict) -> list[str]:
    return [f.message for f in report_from_dict(d)[1].errors]


@pytest.mark.parametrize(("value", "problem"), [
    ("NaN", "应为数字,实为文字“NaN”"),
    ("sNaN", "应为数字,实为文字“sNaN”"),
    ("Infinity", "应为数字,实为文字“Infinity”"),
    (float("nan"), "不是有效的数字(NaN)"),
    (float("inf"), "不是有效的数字(Infinity)"),
    ("1.123456789", "金额最多保留4位小数,实为 1.123456789"),
    (1.123456789, "金额最多保留4位小数,实为 1.123456789"),
    ("-0.5", "不能为负数,实为 -0.5"),
    ("1000000000", "数值过大(1000000000),请核对"),
    (10**40, "数值过大(1.000000E+40),请核对"),
    ("一百", "应为数字,实为文字“一百”"),
    (True, "应为数字,实为逻辑值 true"),
    ([1], "应为数字,实为列表"),
])
def test_bad_amounts_are_n1_findings_naming_the_key(value, problem):
    assert errors(with_fee(value)) == [FEES + problem]


@pytest.mark.parametrize(("value", "problem"), [
    (2.5, "件数应为整数,实为 2.5"),
    ("2.5", "件数应为整数,实为 2.5"),
    (-3, "不能为负数,实为 -3"),
    (10**20, "数值过大(100000000000000000000),请核对"),
    ("六件", "应为数字,实为文字“六件”"),
    (None, None),
])
def test_bad_counts_are_n1_findings_naming_the_key(value, problem):
    assert errors(with_count(value)) == ([GRANTED + problem] if problem else [])


@pytest.mark.parametrize("text", ["0", "12", "12.0", "-1", "2.5", "0.12345", "1.2345",
                                  "999999999", "1000000000", "00012", "-0", "1.50"])
@pytest.mark.parametrize("field", [AMOUNT, COUNT], ids=["amount", "count"])
def test_json_numbers_follow_the_workbook_cell_rules(text, field):
    """One parser: what a cell holding this number gives, the JSON number gives too."""
    from_cell = cells.parse(Decimal(text), field)
    from_json = cells.parse_number(text, field)
    assert (from_json.value, from_json.severity, from_json.kind, from_json.shown) == \
        (from_cell.value, from_cell.severity, from_cell.kind, from_cell.shown)


def test_amounts_keep_their_decimals_and_counts_are_ints():
    report, findings = report_from_dict(with_fee("1.50"))
    assert not findings.errors
    assert str(report.value("active_disclosure.fees_10k_yuan")) == "1.50"
    assert report_to_dict(report)["active_disclosure"]["fees_10k_yuan"] == "1.50"
    report, _ = report_from_dict(with_count("7"))
    assert report.value("applications.granted.3") == 7
    assert isinstance(report.value("applications.granted.3"), int)


def test_a_report_survives_the_round_trip(fmt):
    report = consistent_report(fmt, seed=5)
    again, findings = report_from_dict(json.loads(json.dumps(report_to_dict(report))))
    assert not findings.errors
    assert again.values == report.values


def test_text_is_not_read_character_by_character():
    d = data()
    d["applications"]["granted"] = "1234567"
    report, findings = report_from_dict(d)
    assert report.value("applications.granted.0") == 0
    assert "JSON applications/granted/0 缺少数值,按 0 计" in [f.message for f in findings]


def write(tmp_path: Path, d, raw: str | None = None) -> Path:
    path = tmp_path / "数据.json"
    path.write_text(raw if raw is not None else json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return path


NOT_VALID = "数据.json:不是有效的报告数据 JSON"


@pytest.mark.parametrize(("year", "message"), [
    ("99999999999999999999", f"{NOT_VALID}(year 报告年度应为四位年份,如 2024,实为数字 99999999999999999999)。"),
    ("1800", "数据.json:1800年不在任何官方格式的适用年度内(2019年起)"),
    ('"今年"', f"{NOT_VALID}(year 报告年度应为四位年份,如 2024,实为文字“今年”)。"),
    ("2024.5", f"{NOT_VALID}(year 报告年度应为四位年份,如 2024,实为数字 2024.5)。"),
    ("null", f"{NOT_VALID}(缺少报告年度“year”,应为四位年份,如 2024)。"),
    ("true", f"{NOT_VALID}(year 报告年度应为四位年份,如 2024,实为逻辑值 true)。"),
])
@pytest.mark.parametrize("command", ["check", "template"])
def test_a_year_that_is_no_year_is_one_chinese_sentence(tmp_path, capsys, year, message, command):
    text = json.dumps(data(), ensure_ascii=False).replace('"year": 2024', f'"year": {year}')
    path = write(tmp_path, None, text)
    argv = (["check", str(path)] if command == "check"
            else ["template", "--data", str(path), "-o", str(tmp_path / "w.xlsx")])
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err == f"无法处理:{message}\n"
    assert not (tmp_path / "w.xlsx").exists()


def test_nan_literal_in_a_json_file_is_a_finding(tmp_path, capsys):
    text = json.dumps(data(), ensure_ascii=False).replace('"128.3650"', "NaN")
    path = write(tmp_path, None, text)
    capsys.readouterr()
    assert main(["check", "--json", str(path)]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [f["message"] for f in found["findings"] if f["severity"] == "error"] == \
        [FEES + "不是有效的数字(NaN)"]


def test_template_data_refuses_a_bad_amount_in_chinese(tmp_path, capsys):
    path = write(tmp_path, with_fee("1.123456789"))
    capsys.readouterr()
    assert main(["template", "--data", str(path), "-o", str(tmp_path / "w.xlsx")]) == 2
    assert capsys.readouterr().err == \
        f"无法处理:数据.json:{FEES}金额最多保留4位小数,实为 1.123456789\n"
    assert not (tmp_path / "w.xlsx").exists()


def test_check_json_gives_grid_columns_as_numbers(tmp_path, capsys):
    d = with_count(-3)
    d["review_litigation"]["review"][2] = "x"
    capsys.readouterr()
    assert main(["check", "--json", str(write(tmp_path, d))]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    n1 = {(f["table"], f["row"], f["column"]) for f in found if f["rule"] == "N1"}
    assert n1 == {("applications", "granted", 3), ("review_litigation", "review", 2)}
    assert all(isinstance(f["column"], int | None) or f["table"] == "active_disclosure"
               for f in found)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.__setitem__("narrative", {"overview": "一段文字"}),
     "narrative/overview 应为列表(每个二级标题一项),实为文字“一段文字”"),
    (lambda d: d.__setitem__("narrative", {"overview": [{"heading": 5}]}),
     "narrative/overview/0/heading 应为文字或 null,实为数字 5"),
    (lambda d: d.__setitem__("narrative", {"overview": [{"paragraphs": ["a", ["b"]]}]}),
     "narrative/overview/0/paragraphs/1 应为文字,实为列表"),
    (lambda d: d.__setitem__("lead", 5), "lead 应为文字,实为数字 5"),
    (lambda d: d.__setitem__("agency", {"名称": "某县"}), "agency 应为文字,实为对象"),
    (lambda d: d.__setitem__("format", ["2021"]), "format 应为 2021 或 2019,实为列表"),
])
def test_a_wrong_shape_is_named_by_its_key(tmp_path, capsys, change, message):
    d = data()
    change(d)
    capsys.readouterr()
    assert main(["check", str(write(tmp_path, d))]) == 2
    assert capsys.readouterr().err == f"无法处理:{NOT_VALID}({message})。\n"


def test_a_json_list_is_not_a_report(tmp_path):
    path = write(tmp_path, [1, 2])
    with pytest.raises(InputError, match="最外层应为对象"):
        from make_report import api

        api.check(path)


def test_an_unreadable_date_is_a_warning(tmp_path, capsys):
    d = data()
    d["date"] = "2025-13-01"
    capsys.readouterr()
    assert main(["check", "--json", str(write(tmp_path, d))]) == 0
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [f["message"] for f in found if f["severity"] != "info"] == \
        ["JSON date 成文日期“2025-13-01”无法识别,落款将不写日期;请写作如 2025-01-20"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.__setitem__("agency", "某县\x01人民政府"), "agency 含有无法写入文档的字符(U+0001),请删除后再试"),
    (lambda d: d["narrative"]["overview"][0]["paragraphs"].__setitem__(0, "段落\ud800"),
     "narrative/overview/0/paragraphs/0 含有无法写入文档的字符(U+D800),请删除后再试"),
    (lambda d: d.__setitem__("year", "20\ud80024"),
     "year 报告年度应为四位年份,如 2024,实为文字“20\\ud80024”"),
])
@pytest.mark.parametrize("command", ["check", "template"])
def test_characters_no_document_can_hold_are_named(tmp_path, capsys, change, message, command):
    d = data()
    change(d)
    path = tmp_path / "数据.json"
    path.write_text(json.dumps(d), encoding="utf-8")  # ASCII, so lone surrogates survive as \\ud800
    argv = (["check", str(path)] if command == "check"
            else ["template", "--data", str(path), "-o", str(tmp_path / "w.xlsx")])
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err == f"无法处理:{NOT_VALID}({message})。\n"
    assert not (tmp_path / "w.xlsx").exists()

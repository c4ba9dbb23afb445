"""Never a false pass: a published report whose tables were not completely read is never
declared consistent, by ``check``, by ``import`` or by a later check of the workbook; and
every rule's verdict (成立 / 不成立 / 无法判断) is stated."""

from __future__ import annotations

import json

import openpyxl
import pytest

from make_report import api
from make_report.cli.main import main
from make_report.core.layout import IMPORT_NOTE_ROW
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.importer import import_report
from published import published_text


def report_2021(seed: int = 3):
    report = consistent_report(FORMATS["2021"], seed=seed, agency="某县人民政府")
    report.year = 2024
    return report


def lines_of(seed: int = 3) -> list[str]:
    return published_text(report_2021(seed)).split("\n")


def _drop_section(lines: list[str], heading: str, until: str | None) -> list[str]:
    start = lines.index(heading)
    end = lines.index(until) if until else len(lines)
    return lines[:start] + lines[end:]


def _edit_row(lines: list[str], label: str, how) -> list[str]:
    return [how(line) if line.split("\t")[0] == label else line for line in lines]


def _cut_last_cell(line: str) -> str:
    return "\t".join(line.split("\t")[:-1])


def _replace_cell(line: str, value: str, at: int = 2) -> str:
    cells = line.split("\t")
    cells[at] = value
    return "\t".join(cells)


REVIEW = "四、政府信息公开行政复议、行政诉讼情况"
PROBLEMS = "五、存在的主要问题及改进情况"
TOTAL = "（七）总计"

# (case, damage, the table and words the sentence must name)
DAMAGED = [
    ("table 四 missing", lambda ls: _drop_section(ls, REVIEW, PROBLEMS), "表四 整张表未能读出"),
    ("a total row one cell short", lambda ls: _edit_row(ls, TOTAL, _cut_last_cell),
     "表三 “（七）总计”"),
    ("a cell that is not a number", lambda ls: _edit_row(ls, "规章", lambda s: _replace_cell(s, "某", 1)),
     "表二 “规章”"),
    ("a blank cell", lambda ls: _edit_row(ls, "行政处罚", lambda s: _replace_cell(s, "—", 1)),
     "表二 “行政处罚”"),
    ("the page cut off inside table 三", lambda ls: ls[: ls.index(TOTAL + "\t" + ls[
        next(i for i, x in enumerate(ls) if x.startswith(TOTAL))].split("\t", 1)[1])],
     "表三 “（七）总计”、“四、结转下年度继续办理”"),
    ("numbers of table 二 deleted", lambda ls: [
        "\t".join(c for c in x.split("\t") if not c.replace(".", "").isdigit())
        if x.startswith(("规章", "行政规范性文件")) else x for x in ls], "表二 “规章”、“行政规范性文件”"),
    ("an extra cell in a row", lambda ls: _edit_row(ls, "2.重复申请", lambda s: s + "\t99"),
     "无法对应到官方表格的单元格"),
    ("a row printed twice", lambda ls: [y for x in ls for y in ([x, x] if x.startswith("2.重复申请")
                                                                 else [x])],
     "无法对应到官方表格的单元格"),
    ("a row of numbers without a label", lambda ls: [
        y for x in ls for y in ([x, "1\t2\t3\t4\t5\t6\t21"] if x.startswith("2.重复申请") else [x])],
     "无法对应到官方表格的单元格"),
]


@pytest.fixture(params=DAMAGED, ids=[d[0] for d in DAMAGED])
def damaged(request, tmp_path):
    _case, damage, words = request.param
    path = tmp_path / "报告.txt"
    path.write_text("\n".join(damage(lines_of())), encoding="utf-8")
    return path, words


def test_the_undamaged_page_reads_completely_and_is_consistent(tmp_path, capsys):
    path = tmp_path / "报告.txt"
    path.write_text("\n".join(lines_of()), encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["verdict"] == "一致"
    assert {r["status"] for r in found["rules"]} == {"成立"}


def test_check_of_a_damaged_report_exits_2_naming_table_and_rows(damaged, capsys):
    path, words = damaged
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "无法完成检查:报告.txt" in err and words in err, err
    assert "不能判定报告一致" in out + err
    assert "检查通过" not in out + err


def test_import_of_a_damaged_report_leaves_cells_empty_and_marks_the_workbook(damaged, tmp_path,
                                                                              capsys):
    path, words = damaged
    result = import_report(path)
    assert result.incomplete or result.leftover
    assert not set(result.incomplete) & set(result.report.values)
    out = tmp_path / "导入.xlsx"
    assert main(["import", str(path), "-o", str(out)]) == 1
    assert words in capsys.readouterr().err
    wb = openpyxl.load_workbook(out)
    where = api.read(out).cells
    for key in result.incomplete:  # never 0, never a formula that makes one up
        loc = where[key]
        assert wb[loc.sheet][loc.cell].value is None, key
    note = wb["基本信息"].cell(IMPORT_NOTE_ROW, 2).value
    assert note and ("无法对应" in note) == bool(result.leftover) and all(f"{where[k].sheet}!{where[k].cell}" in note for k in result.incomplete)
    # a later check of the workbook is not a pass either
    capsys.readouterr()
    assert main(["check", str(out), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in found["findings"]].count("P2") == 1
    assert found["verdict"] != "一致"


@pytest.mark.parametrize("case", [d for d in DAMAGED if d[2] != "无法对应到官方表格的单元格"],
                         ids=lambda d: d[0])
def test_workbook_filled_in_and_unmarked_checks_again(case, tmp_path):
    """Once the office fills the cells and clears the note, the workbook is judged as any."""
    path = tmp_path / "报告.txt"
    path.write_text("\n".join(case[1](lines_of())), encoding="utf-8")
    out = tmp_path / "导入.xlsx"
    api.import_published(path, out)
    original = report_2021()
    wb = openpyxl.load_workbook(out)
    where = api.read(out).cells
    for key in import_report(path).incomplete:
        wb[where[key].sheet][where[key].cell].value = int(original.values[key])
    wb["基本信息"].cell(IMPORT_NOTE_ROW, 2).value = None
    wb.save(out)
    result = api.check(out)  # (a page cut short also lacks its last sections: C5, not P2)
    assert result.verdict == "一致" and not [f for f in result.findings if f.rule[0] in "PANR"]


def test_a_rule_on_unread_cells_is_undecided_never_holds(tmp_path):
    lines = _edit_row(lines_of(), TOTAL, _cut_last_cell)
    path = tmp_path / "报告.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = api.check(path)
    assert result.verdicts.rules["A2"] == "无法判断"
    assert result.verdicts.rules["R1"] == "成立"
    assert result.verdict == "无法判断"


def test_a_proven_error_makes_the_report_inconsistent_even_if_incomplete(tmp_path):
    report = report_2021()
    report.values["review_litigation.review.4"] += 1  # 行政复议 总计 off by one
    lines = _edit_row(published_text(report).split("\n"), TOTAL, _cut_last_cell)
    path = tmp_path / "报告.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = api.check(path)
    assert result.verdicts.rules["R1"] == "不成立" and result.verdict == "不一致"
    assert result.exit_code == 2  # still: table 三 was not completely read
    statuses = {f["rule"]: f["status"] for f in result.as_dict()["findings"] if f["status"]}
    assert statuses["R1"] == "不成立"


def test_every_rule_of_the_format_has_a_verdict(tmp_path):
    path = tmp_path / "报告.txt"
    path.write_text("\n".join(lines_of()), encoding="utf-8")
    rules = api.check(path).verdicts.rules
    fmt = FORMATS["2021"]
    assert set(rules) == {e.id for e in fmt.equations} | {"N1", "T1"}


def _cells(line: str) -> list[str]:
    return line.split("\t")


def _review_row(ls: list[str]) -> int:
    return next(i for i, x in enumerate(ls) if x.count("\t") == 14 and x.split("\t")[0].isdigit())


def _rows_of_table_3(ls: list[str]) -> list[int]:
    return [i for i, x in enumerate(ls) if x.count("\t") == 7]


MORE_DAMAGE = [
    ("table 四 with one cell too many", lambda ls: [
        x + "\t0" if i == _review_row(ls) else x for i, x in enumerate(ls)]),
    ("table 三 printed twice", lambda ls: (
        ls[:_rows_of_table_3(ls)[-1] + 1] + [ls[i] for i in _rows_of_table_3(ls)]
        + ls[_rows_of_table_3(ls)[-1] + 1:])),
    ("a column lost in every row of table 三", lambda ls: [
        "\t".join(_cells(x)[:3] + _cells(x)[4:]) if i in _rows_of_table_3(ls) else x
        for i, x in enumerate(ls)]),
    ("an empty cell between two tabs", lambda ls: _edit_row(
        ls, "2.重复申请", lambda s: "\t".join([*_cells(s)[:2], "", *_cells(s)[3:]]))),
    ("a footnote mark on a total", lambda ls: _edit_row(
        ls, TOTAL, lambda s: "\t".join([*_cells(s)[:-1], _cells(s)[-1] + "*"]))),
    ("a row deleted", lambda ls: [x for x in ls if not x.startswith("2.重复申请")]),
    ("two rows of table 三 swapped", lambda ls: [
        ls[_rows_of_table_3(ls)[3]] if i == _rows_of_table_3(ls)[2] else
        ls[_rows_of_table_3(ls)[2]] if i == _rows_of_table_3(ls)[3] else x
        for i, x in enumerate(ls)]),
]


@pytest.mark.parametrize("damage", [d[1] for d in MORE_DAMAGE], ids=[d[0] for d in MORE_DAMAGE])
def test_more_damage_is_never_a_pass(damage, tmp_path, capsys):
    """A number no cell could take makes every cell of its table doubtful (one may be
    misplaced): no rule on that table holds, so the verdict is never 一致."""
    path = tmp_path / "报告.txt"
    path.write_text("\n".join(damage(lines_of())), encoding="utf-8")
    result = api.check(path)
    assert result.exit_code != 0 and result.verdict != "一致"
    assert main(["check", str(path)]) != 0
    assert "检查通过" not in "".join(capsys.readouterr())

"""The import, audit and cross-year verbs as a person runs them from the command line."""

from __future__ import annotations

import json

import openpyxl

from importer_refs import reference
from make_report import api
from make_report.cli.main import main
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook

HONGZE_2023 = "more/02_hongze_qu_2023.txt"
HONGZE_2024 = "more/03_hongze_qu_2024.txt"


def test_check_audits_a_published_report_with_its_table_labels(capsys):
    # two litigation cells of 004 are blank: table 四 is not completely read, so exit 2
    assert main(["check", str(reference("004_1cf59b4176a625ae.txt")), "--json"]) == 2
    captured = capsys.readouterr()
    assert "表四 “未经复议直接起诉”(2 格)未能完整读出" in captured.err
    found = json.loads(captured.out)
    assert found["verdict"] == "不一致"
    errors = [(f["rule"], f["row"], f["column"], f["message"]) for f in found["findings"]
              if f["severity"] == "error" and f["rule"] != "P1"]
    assert errors[:2] == [
        ("A2", "total_handled", 0, "表三 （七）总计·自然人 应为 6(各项之和),实为 0"),
        ("A2", "total_handled", 6, "表三 （七）总计·总计 应为 6(各项之和),实为 0"),
    ]
    assert [e[0] for e in errors] == ["A2", "A2", "A3", "A3", "R1", "R1"]


def test_import_writes_the_standard_workbook_that_checks_the_same(tmp_path):
    out = tmp_path / "洪泽2023.xlsx"
    assert main(["import", str(reference(HONGZE_2023)), "-o", str(out)]) == 0
    result = api.check(out)
    assert result.report.agency == "洪泽区人民政府" and result.report.year == 2023
    assert result.report.values["applications.new_received.6"] == 21
    assert [f.cells for f in result.findings if f.rule == "R1"] == [("E8",), ("O8",)]
    # the rows a 2021 report lacks (it has one (六) row) are left empty, not invented
    ws = openpyxl.load_workbook(out)["三、依申请公开"]
    assert [ws.cell(r, c).value for r in (28, 29, 30) for c in range(4, 10)] == [None] * 18


def test_template_from_last_year_carries_over(tmp_path):
    last = tmp_path / "2023.xlsx"
    report = consistent_report(FORMATS["2021"], seed=5, agency="某县人民政府")
    report.year = 2023
    write_workbook(report.format, last, report)
    nxt = tmp_path / "2024.xlsx"
    assert main(["template", "--from", str(last), "-o", str(nxt)]) == 0
    ws = openpyxl.load_workbook(nxt)
    assert (ws["基本信息"]["B4"].value, ws["基本信息"]["B5"].value) == ("某县人民政府", 2024)
    carried = [report.values[f"applications.carried_to_next_year.{c}"] for c in range(6)]
    assert [ws["三、依申请公开"].cell(9, 4 + c).value for c in range(6)] == carried
    assert ws["三、依申请公开"]["D8"].value is None  # this year's numbers are left to fill


def test_previous_year_mismatch_is_y1_at_the_carry_over_cell(tmp_path, capsys):
    last = consistent_report(FORMATS["2021"], seed=1, agency="某县")
    last.year = 2023
    this = consistent_report(FORMATS["2021"], seed=2, agency="某县")
    this.year = 2024
    write_workbook(last.format, tmp_path / "2023.xlsx", last)
    write_workbook(this.format, tmp_path / "2024.xlsx", this)
    code = main(["check", str(tmp_path / "2024.xlsx"), "--previous", str(tmp_path / "2023.xlsx"),
                 "--json"])
    y1 = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "Y1"]
    differs = [c for c in range(7) if last.values[f"applications.carried_to_next_year.{c}"]
               != this.values[f"applications.carried_from_last_year.{c}"]]
    assert [f["cells"] for f in y1] == [["DEFGHIJ"[c] + "9"] for c in differs]
    assert code == (1 if differs else 0)


def test_consecutive_published_reports_agree(capsys):
    # the years agree (no Y1), but the narrative's 17 applications against the table's 95
    # is a known inconsistency: the published report does not pass
    assert main(["check", str(reference(HONGZE_2024)), "--previous",
                 str(reference(HONGZE_2023)), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    rules = {f["rule"] for f in found["findings"]}
    assert "Y1" not in rules and "T1" in rules
    assert found["verdict"] == "不一致"
    assert {r["rule"]: r["status"] for r in found["rules"]}["T1"] == "不成立"

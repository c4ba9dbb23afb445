"""Each sum rule with a passing and a failing case, naming the exact cell."""

from __future__ import annotations

import pytest

from conftest import cells_of, load_reference
from make_report.checks.validate import validate
from make_report.formats import FORMATS


def found(report, fmt=None):
    return [(f.rule, f.sheet, f.cells) for f in validate(report, cells_of(report.format))
            if f.severity != "info"]


def test_consistent_report_has_no_findings(report):
    assert found(report) == []


def test_a1_row_total_must_equal_its_parts(report):
    report.values["applications.granted.6"] += 1
    total_row = {"2021": "J31", "2019": "J29"}[report.format.id]
    assert found(report) == [("A1", "三、依申请公开", ("J10",)),
                             ("A2", "三、依申请公开", (total_row,))]


@pytest.mark.parametrize(("format_id", "row_cell", "col_cell"),
                         [("2021", "J10", "D31"), ("2019", "J10", "D29")])
def test_a1_and_a2_name_the_totals_a_changed_part_breaks(format_id, row_cell, col_cell):
    from make_report.core.synthetic import consistent_report

    report = consistent_report(FORMATS[format_id], seed=3)
    report.values["applications.granted.0"] += 2
    assert found(report) == [("A1", "三、依申请公开", (row_cell,)),
                             ("A2", "三、依申请公开", (col_cell,))]


def test_a2_message_reads_as_the_spec_example():
    from make_report.core.synthetic import consistent_report

    report = consistent_report(FORMATS["2021"], seed=1)
    expected = report.values["applications.total_handled.6"]
    report.values["applications.total_handled.6"] = expected + 5
    report.values["applications.total_handled.5"] += 5
    a2 = [f for f in validate(report, cells_of(report.format)) if f.rule == "A2"]
    assert [f.message for f in a2] == [
        f"三、依申请公开!I31 (七)总计·其他 应为 {report.values['applications.total_handled.5'] - 5}"
        f"(各项之和),实为 {report.values['applications.total_handled.5']}",
        f"三、依申请公开!J31 (七)总计·总计 应为 {expected}(各项之和),实为 {expected + 5}",
    ]
    assert (a2[1].expected, a2[1].found, a2[1].row, a2[1].column) == \
        (expected, expected + 5, "total_handled", 6)


def test_a3_balance_of_received_and_handled(report):
    report.values["applications.carried_to_next_year.1"] += 1
    report.values["applications.carried_to_next_year.6"] += 1
    last = "D31+D32" if report.format.id == "2021" else "D29+D30"
    rows = [(f.rule, f.cells) for f in validate(report, cells_of(report.format))]
    assert [r for r in rows if r[0] == "A3"] == [
        ("A3", tuple(last.replace("D", c).split("+"))) for c in "EJ"]


def test_r1_each_group_total(report):
    report.values["review_litigation.litigation_after_review.2"] += 1
    assert found(report) == [("R1", "四、复议诉讼", ("O8",))]
    report.values["review_litigation.litigation_after_review.4"] += 1
    assert found(report) == []


@pytest.mark.parametrize("value", [-1, 2.5])
def test_n1_counts_are_whole_and_not_negative(report, value):
    report.values["active_disclosure.regulations.issued" if report.format.id == "2021"
                  else "active_disclosure.regulations.new_made"] = value
    assert found(report) == [("N1", "二、主动公开", ("B7",))]


def test_n1_signed_change_may_be_negative():
    from make_report.core.synthetic import consistent_report

    report = consistent_report(FORMATS["2019"], seed=2)
    report.values["active_disclosure.licensing.change"] = -4
    assert found(report) == []
    report.values["active_disclosure.procurement.amount_10k_yuan"] = -1
    assert [r[0] for r in found(report)] == ["N1"]


def test_t1_narrative_number_contradicting_table(report):
    from make_report.core.model import Entry

    total = report.values["applications.new_received.6"]
    report.narrative["overview"] = [Entry("(二)依申请公开", [f"全年共收到政府信息公开申请{total}件。"])]
    assert found(report) == []
    report.narrative["overview"][0].paragraphs.append(
        f"本年收到行政诉讼{report.values['review_litigation.litigation_direct.4'] + 1}件。")
    t1 = [f for f in validate(report) if f.rule == "T1"]
    assert [(f.severity, f.found) for f in t1] == [
        ("warning", report.values["review_litigation.litigation_direct.4"] + 1)]


def test_reference_004_caught_on_a2_and_a3_where_total_row_is_zero():
    report = load_reference("ref_004_hezuo_2023.json")
    findings = validate(report, cells_of(report.format))
    by_rule = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append((f.column, f.cells))
    # (七)总计 is 0 in every column; received (6) is non-zero in 自然人 and 总计
    assert by_rule["A2"] == [(0, ("D31",)), (6, ("J31",))]
    assert by_rule["A3"] == [(0, ("D31", "D32")), (6, ("J31", "J32"))]
    # the litigation groups do not add up either
    assert [c for _, c in by_rule["R1"]] == [("J8",), ("O8",)]
    # and the narrative's 本年度废止1件 contradicts 本年废止件数 0 (T1, a warning)
    t1 = [f for f in findings if f.rule == "T1"]
    assert [(f.fields[1], f.found, f.expected) for f in t1] == [
        ("active_disclosure.normative_documents.abolished", 1, 0)]
    assert all(f.severity == "error" for f in findings if f.rule[0] in "ANR")

"""Rules across two years (Y1, Y2) and next year's report started from this year's."""

from __future__ import annotations

import pytest

from conftest import cells_of
from importer_refs import reference
from make_report.checks.crossyear import check_years
from make_report.core.model import Entry, Report
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.importer import import_report, next_year_report

CARRIED_TO = "applications.carried_to_next_year"
CARRIED_FROM = "applications.carried_from_last_year"


def _pair(fmt_last: str = "2021", fmt_this: str = "2021") -> tuple[Report, Report]:
    """Last year and this year, consistent across the years as generated."""
    this = consistent_report(FORMATS[fmt_this], seed=3)
    last = consistent_report(FORMATS[fmt_last], seed=4)
    last.year = this.year - 1
    for c in range(7):
        last.values[f"{CARRIED_TO}.{c}"] = this.values[f"{CARRIED_FROM}.{c}"]
    if fmt_last == fmt_this == "2021":
        for row in ("regulations", "normative_documents"):
            key = f"active_disclosure.{row}"
            this.values[f"{key}.in_force"] = (last.values[f"{key}.in_force"]
                                              + this.values[f"{key}.issued"]
                                              - this.values[f"{key}.abolished"])
    return last, this


def test_years_that_agree_give_no_finding():
    last, this = _pair()
    assert check_years(this, last) == []


def test_y1_names_the_cell_the_expected_and_the_found_value():
    last, this = _pair()
    last.values[f"{CARRIED_TO}.0"] = this.values[f"{CARRIED_FROM}.0"] + 3
    findings = check_years(this, last, cells_of(this.format))
    assert [(f.rule, f.severity, f.row, f.column, f.cells) for f in findings] == [
        ("Y1", "error", "carried_from_last_year", 0, ("D9",))]
    f = findings[0]
    assert (f.expected, f.found) == (f.found + 3, this.values[f"{CARRIED_FROM}.0"])
    assert f.message == (f"三、依申请公开!D9 二、上年结转政府信息公开申请数量·自然人 应为 {f.expected}"
                         f"(上年报告“四、结转下年度继续办理”),实为 {f.found}")


def test_y1_checks_every_column():
    last, this = _pair()
    for c in range(7):
        last.values[f"{CARRIED_TO}.{c}"] = this.values[f"{CARRIED_FROM}.{c}"] + 1
    assert [f.column for f in check_years(this, last)] == list(range(7))


def test_y1_holds_from_a_2019_report_to_a_2021_report():
    last, this = _pair("2019", "2021")
    last.year = this.year - 1
    assert [f.rule for f in check_years(this, last)] == []
    last.values[f"{CARRIED_TO}.6"] += 1
    assert [f.rule for f in check_years(this, last)] == ["Y1"]


def test_y2_is_a_warning_on_the_in_force_count():
    last, this = _pair()
    this.values["active_disclosure.normative_documents.in_force"] += 2
    findings = check_years(this, last, cells_of(this.format))
    assert [(f.rule, f.severity, f.row, f.column) for f in findings] == [
        ("Y2", "warning", "normative_documents", "in_force")]
    assert "现行有效件数 应为" in findings[0].message
    assert findings[0].found == findings[0].expected + 2


def test_y2_needs_the_2021_format_in_both_years():
    last, this = _pair("2019", "2021")
    this.values["active_disclosure.normative_documents.in_force"] += 2
    assert [f.rule for f in check_years(this, last)] == []


def test_cells_an_import_could_not_read_are_not_judged():
    last, this = _pair()
    last.values[f"{CARRIED_TO}.0"] += 1
    assert check_years(this, last, unknown={f"{CARRIED_TO}.0"}) == []


def test_years_that_do_not_follow_each_other_are_not_compared():
    last, this = _pair()
    last.values[f"{CARRIED_TO}.0"] += 1
    last.year -= 1
    assert check_years(this, last) == []


def test_two_published_years_of_one_agency_agree():
    """洪泽区 2023 → 2024: 上年结转 0 = 结转下年 0; 行政规范性文件 5 + 3 − 0 = 8."""
    last = import_report(reference("more/02_hongze_qu_2023.txt"))
    this = import_report(reference("more/03_hongze_qu_2024.txt"))
    unknown = set(last.unread) | set(this.unread)
    assert check_years(this.report, last.report, unknown=unknown) == []


# --- next year's report -----------------------------------------------------------------------

def test_next_year_carries_over_applications_and_nothing_else():
    last = consistent_report(FORMATS["2021"], seed=9, agency="示例县人民政府")
    last.contact = "电话:0000-1234567"
    nxt = next_year_report(last)
    assert (nxt.year, nxt.format.id, nxt.agency, nxt.contact) == (
        last.year + 1, "2021", "示例县人民政府", "电话:0000-1234567")
    assert nxt.values == {f"{CARRIED_FROM}.{c}": last.values[f"{CARRIED_TO}.{c}"]
                          for c in range(7)}


def test_next_year_after_2020_uses_the_2021_format():
    last = consistent_report(FORMATS["2019"], seed=2)
    last.year = 2020
    nxt = next_year_report(last)
    assert (nxt.year, nxt.format.id) == (2021, "2021")
    assert set(nxt.values) == {f"{CARRIED_FROM}.{c}" for c in range(7)}


def test_next_year_offers_last_years_headings_without_their_text():
    last = consistent_report(FORMATS["2021"], seed=1)
    last.narrative = {"overview": [Entry(None, ["引言。"]), Entry("(一)主动公开", ["正文。"])],
                      "problems": [Entry("(一)存在的主要问题", ["问题。"])]}
    nxt = next_year_report(last)
    assert nxt.narrative == {"overview": [Entry("(一)主动公开", [])],
                             "problems": [Entry("(一)存在的主要问题", [])], "other": []}


def test_next_year_leaves_unread_carried_cells_blank():
    last = import_report(reference("004_1cf59b4176a625ae.txt")).report
    del last.values[f"{CARRIED_TO}.3"]
    nxt = next_year_report(last)
    assert f"{CARRIED_FROM}.3" not in nxt.values and f"{CARRIED_FROM}.0" in nxt.values
    assert nxt.narrative["overview"][0].heading == "(一)主动公开情况"


@pytest.mark.parametrize("fmt_id", list(FORMATS))
def test_next_year_of_any_format_passes_y1_against_its_source(fmt_id):
    last = consistent_report(FORMATS[fmt_id], seed=6)
    nxt = next_year_report(last)
    assert [f for f in check_years(nxt, last) if f.rule == "Y1"] == []

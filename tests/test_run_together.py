"""Cells run together (``规范性文件898989``, a row of table 三 as one string of digits, the
15 cells of table 四 as one run, the whole body on one line): cut only where exactly one
reading satisfies the rules; otherwise the candidates are named and the cells left empty.
Never a number the report does not show."""

from __future__ import annotations

import pytest

from importer_refs import REFS as ALL_REFS
from importer_refs import expected_cells, hand_read_data, overview, reference, same
from make_report import api
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS, get_format
from make_report.importer import import_report
from make_report.importer.split import MAX_STEPS, TooMany, splits
from make_report.importer.tables import grid_table
from published import UNDECIDABLE, published_text, run_together

A1 = [((6,), (0, 1, 2, 3, 4, 5))]
R1 = [((4,), (0, 1, 2, 3)), ((9,), (5, 6, 7, 8)), ((14,), (10, 11, 12, 13))]


@pytest.mark.parametrize(("runs", "width", "lines", "readings"), [
    (["210000021"], 7, A1, [(21, 0, 0, 0, 0, 0, 21)]),
    (["0000000"], 7, A1, [(0,) * 7]),
    (["000"], 3, [], [(0, 0, 0)]),
    (["050"], 3, [], [(0, 5, 0)]),  # 05 or 50 would need a count to start with 0
    (["1011"], 3, [], [(1, 0, 11), (10, 1, 1)]),
    (["80100000081"], 7, A1, []),  # 11 digits cannot make 7 cells that add up
    (["21", "0"], 3, [], [(2, 1, 0)]),
    (["7"], 2, [], []),
])
def test_every_reading_the_rules_allow_and_no_other(runs, width, lines, readings):
    assert sorted(splits(runs, width, lines)) == readings


def test_the_17_digits_of_table_4_cut_by_its_three_group_totals():
    assert splits(["30003125001700000"], 15, R1) == [
        (3, 0, 0, 0, 3, 12, 5, 0, 0, 17, 0, 0, 0, 0, 0)]
    # 10 1 0 0 11 or 1 0 10 0 11: both add up, so neither is taken
    assert sorted(splits(["10100110000050005"], 15, R1)) == [
        (1, 0, 10, 0, 11, 0, 0, 0, 0, 0, 5, 0, 0, 0, 5),
        (10, 1, 0, 0, 11, 0, 0, 0, 0, 0, 5, 0, 0, 0, 5)]


def test_an_absurdly_long_run_is_refused_in_bounded_steps():
    with pytest.raises(TooMany):
        splits(["9" * 40], 15, R1)
    assert MAX_STEPS <= 10**6


# --- reference reports' hand-read numbers, their rows' cells run together ---

REFS = [r for r in ALL_REFS if not r[0].startswith("004")]
"""004 shows two blank cells: without separators a blank cell is not there at all."""
MODES = {"plain": {}, "site chrome": {"chrome": True},
         "one line": {"chrome": True, "one_line": True}}


def hand_read(name, data_file):
    data = hand_read_data(reference(name), data_file)
    fmt = get_format(data["format"])
    rows = next(grid_table(f, "applications").rows for f in FORMATS.values()
                if all(data["applications"].get(r.key) is not None
                       for r in grid_table(f, "applications").rows))
    return data, fmt, expected_cells(data, fmt), rows


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(("name", "data_file"), REFS, ids=[r[0].split("_")[0] for r in REFS])
def test_hand_read_numbers_run_together_are_read_or_named_never_wrong(tmp_path, name, data_file,
                                                                      mode):
    data, fmt, expected, rows = hand_read(name, data_file)
    path = tmp_path / "报告.txt"
    path.write_text(run_together(expected, fmt, data.get("agency") or "某镇人民政府",
                                 data["year"], rows=rows, **MODES[mode]), encoding="utf-8")
    result = import_report(path)
    got = {**result.report.values, **result.extra}
    named = {k for f in result.findings if f.rule in ("P3", "P4") for k in f.fields}
    for key, want in expected.items():
        if want is None:
            continue
        if key in got:
            assert str(got[key]) == str(want), key
        else:
            assert key in named, key
    if named:
        assert api.check(path).exit_code == 2


def test_a_row_of_table_3_cut_by_its_total(tmp_path):
    _data, fmt, expected, rows = hand_read("more/01_huaian_shi_2024.txt", None)
    path = tmp_path / "报告.txt"
    path.write_text(run_together(expected, fmt, "淮安市人民政府", 2024, rows=rows), encoding="utf-8")
    result = import_report(path)
    assert [result.report.values[f"applications.new_received.{c}"] for c in range(7)] == \
        [3001, 53, 0, 0, 61, 4, 3119]
    assert any(f.rule == "P5" and "300153006143119" in f.message for f in result.findings)


def test_several_readings_are_listed_and_the_cells_left_empty(tmp_path):
    _data, fmt, expected, rows = hand_read("more/01_huaian_shi_2024.txt", None)
    path = tmp_path / "报告.txt"
    path.write_text(run_together(expected, fmt, "淮安市人民政府", 2024, rows=rows), encoding="utf-8")
    result = import_report(path)
    p3 = [f for f in result.findings if f.rule == "P3" and "“规章”" in f.message]
    assert p3 and "1 0 11 / 10 1 1" in p3[0].message
    assert not {f"active_disclosure.regulations.{c}" for c in ("issued", "abolished", "in_force")} \
        & set(result.report.values)


def test_no_reading_adds_up_so_the_report_is_inconsistent_whatever_the_cells(tmp_path):
    """02: 行政复议 总计 printed 0 although 10 + 1: no cut of its run adds up. The cuts the
    column count and leading zeros allow (16 digits, one cell of two: 10, 10 or 50) still
    agree on ten cells; those are read, the five that differ are named and left empty."""
    _data, fmt, expected, rows = hand_read("more/02_hongze_qu_2023.txt", None)
    path = tmp_path / "报告.txt"
    path.write_text(run_together(expected, fmt, "洪泽区人民政府", 2023, rows=rows), encoding="utf-8")
    result = api.check(path)
    p4 = [f for f in result.findings if f.rule == "P4"]
    assert len(p4) == 1 and p4[0].severity == "error"
    assert "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0" in p4[0].message  # the hand-read row is a reading
    unsure = {f"review_litigation.review.{c}" for c in range(3)} | \
        {f"review_litigation.litigation_after_review.{c}" for c in range(2)}
    assert set(p4[0].fields) == unsure
    imported = import_report(path)
    table = [f.key for f in fmt.table("review_litigation").fields]
    assert {k: imported.report.values[k] for k in table if k not in unsure} == \
        {k: 0 for k in table if k not in unsure}
    assert not unsure & set(imported.report.values)
    assert result.verdicts.rules["R1"] == "不成立" and result.verdict == "不一致"
    assert result.exit_code == 2


def test_the_reports_own_narrative_decides_table_4_and_the_regulations(tmp_path):
    """01 run together under its own 总体情况: three cuts of 复议后起诉 add up (1 2 1 16 20,
    1 2 11 6 20, 12 1 1 6 20); 行政诉讼 其中结果维持 25 件 = 13 + 12 leaves one. 规章 1011
    (1 0 11 or 10 1 1): 新增公开市政府规章 1 件 leaves one. 82666 stays open."""
    _data, fmt, expected, rows = hand_read("more/01_huaian_shi_2024.txt", None)
    path = tmp_path / "报告.txt"
    says = overview(reference("more/01_huaian_shi_2024.txt"))
    assert "结果维持 25" in says
    path.write_text(run_together(expected, fmt, "淮安市人民政府", 2024, rows=rows, says=says),
                    encoding="utf-8")
    result = import_report(path)
    values = result.report.values
    assert [values[f"review_litigation.litigation_after_review.{c}"] for c in range(5)] == \
        [12, 1, 1, 6, 20]
    assert [values[f"active_disclosure.regulations.{c}"]
            for c in ("issued", "abolished", "in_force")] == [1, 0, 11]
    decided = [f.message for f in result.findings if f.rule == "I3" and "按正文所述" in f.message]
    assert any("行政诉讼结果维持 25" in m for m in decided)
    assert any("本年制发规章 1" in m for m in decided)
    assert not {f"active_disclosure.normative_documents.{c}" for c in ("issued", "in_force")} \
        & set(values)


def test_a_narrative_outcome_the_table_contradicts_is_t1(tmp_path):
    report = consistent_report(FORMATS["2021"], seed=1, agency="某县人民政府")
    kept = report.values["review_litigation.review.0"]
    path = tmp_path / "报告.txt"
    text = published_text(report).replace(
        "二、主动公开政府信息情况",
        f"全年发生行政复议案件{report.values['review_litigation.review.4']}件,其中结果维持"
        f"{kept + 1}件。\n二、主动公开政府信息情况", 1)
    path.write_text(text, encoding="utf-8")
    result = api.check(path)
    t1 = [f for f in result.findings if f.rule == "T1"]
    assert len(t1) == 1 and "行政复议结果维持" in t1[0].message and t1[0].expected == kept


@pytest.mark.parametrize(("fmt_id", "seed"), [("2021", s) for s in range(4)] + [("2019", 1)])
def test_the_tools_own_page_with_cells_run_together(tmp_path, fmt_id, seed):
    report = consistent_report(FORMATS[fmt_id], seed=seed, agency="某县人民政府")
    path = tmp_path / "报告.txt"
    path.write_text(published_text(report, sep=""), encoding="utf-8")
    result = import_report(path)
    for key, want in report.values.items():  # a signed 2019 count (-5) is no run: unread
        got = result.report.values.get(key)
        assert got == want if got is not None else key in result.incomplete, key
    assert api.check(path).exit_code == (2 if result.incomplete else 0)


def test_digits_separated_by_spaces_are_never_cut(tmp_path):
    """A damaged row (a cell lost) stays unread; its numbers are not re-cut to fill it."""
    report = consistent_report(FORMATS["2021"], seed=3)
    lines = published_text(report).split("\n")
    lines = [("规章\t某\t0\t11" if x.startswith("规章\t") else x) for x in lines]
    path = tmp_path / "报告.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = import_report(path)
    assert not any(k.startswith("active_disclosure.regulations") for k in result.report.values)


def test_the_narrative_decides_between_readings_the_rules_allow(tmp_path):
    """01's 行政规范性文件 8 26 66 run together as 82666: six cuts; the narrative says which."""
    _data, fmt, expected, rows = hand_read("more/01_huaian_shi_2024.txt", None)
    path = tmp_path / "报告.txt"
    says = "全年行政规范性文件制发8件、废止26件,现行有效行政规范性文件66件。"
    path.write_text(run_together(expected, fmt, "淮安市人民政府", 2024, rows=rows, says=says),
                    encoding="utf-8")
    result = import_report(path)
    assert [result.report.values.get(f"active_disclosure.normative_documents.{c}")
            for c in ("issued", "abolished", "in_force")] == [8, 26, 66]
    assert any(f.rule == "I3" and "按正文所述" in f.message for f in result.findings)


def test_a_narrative_that_agrees_with_no_reading_decides_nothing(tmp_path):
    _data, fmt, expected, rows = hand_read("more/01_huaian_shi_2024.txt", None)
    path = tmp_path / "报告.txt"
    says = "全年行政规范性文件制发5件。"
    path.write_text(run_together(expected, fmt, "淮安市人民政府", 2024, rows=rows, says=says),
                    encoding="utf-8")
    result = import_report(path)
    assert "active_disclosure.normative_documents.issued" not in result.report.values


def _run_together_01(tmp_path):
    _data, fmt, expected, rows = hand_read("more/01_huaian_shi_2024.txt", None)
    says = overview(reference("more/01_huaian_shi_2024.txt"))
    return expected, run_together(expected, fmt, "淮安市人民政府", 2024, rows=rows,
                                  says=says).split("\n")


@pytest.mark.parametrize("label", ["一、本年新收政府信息公开申请数量", "（七）总计"])
def test_a_run_wrapped_onto_the_next_line_is_read_whole_wherever_it_breaks(tmp_path, label):
    """Issue 12 point 2, rows split over several lines: a page that wraps a long row of
    run-together digits (``…3001530`` / ``06143119``) at any digit; the bare digits are the
    rest of the row only where the run cannot be the row without them."""
    expected, lines = _run_together_01(tmp_path)
    at = next(i for i, x in enumerate(lines) if x.startswith(label))
    digits = lines[at][len(label):]
    undecidable = UNDECIDABLE[("more/01_huaian_shi_2024.txt", "run together")]
    for cut in range(1, len(digits)):
        path = tmp_path / f"{cut}.txt"
        path.write_text("\n".join([*lines[:at], label + digits[:cut], digits[cut:], *lines[at + 1:]]), encoding="utf-8")
        got = {**(r := import_report(path)).report.values, **r.extra}
        assert {k: got.get(k) for k, v in expected.items() if v is not None
                and k not in undecidable and not same(v, got.get(k))} == {}, digits[:cut]


def test_bare_digits_that_may_be_the_rest_of_a_row_or_the_next_row_are_not_guessed(tmp_path):
    """``规章1011`` then a line ``22``: 1011 can be the row (1 0 11, 10 1 1) and so can
    101122; whether the page wrapped there is unknown, so neither is read."""
    _expected, lines = _run_together_01(tmp_path)
    at = next(i for i, x in enumerate(lines) if x.startswith("规章"))
    path = tmp_path / "报告.txt"
    path.write_text("\n".join([*lines[:at + 1], "22", *lines[at + 1:]]), encoding="utf-8")
    result = import_report(path)
    assert not any(k.startswith("active_disclosure.regulations.") for k in result.report.values)
    assert any(f.rule == "I1" and "既可能是这一行折行的部分" in f.message and "22" in f.message
               for f in result.findings)
    assert result.report.values["active_disclosure.licensing"] == 447228
    assert api.check(path).exit_code == 2

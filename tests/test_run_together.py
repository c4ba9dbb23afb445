"""Cells run together (``规范性文件898989``, a row of table 三 as one string of digits, the
15 cells of table 四 as one run, the whole body on one line): cut only where exactly one
reading satisfies the rules; otherwise the candidates are named and the cells left empty.
Never a number the report does not show."""

from __future__ import annotations

import pytest

from importer_refs import DATA, expected_cells, load, reference
from make_report import api
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS, get_format
from make_report.importer import import_report
from make_report.importer.split import MAX_STEPS, TooMany, splits
from make_report.importer.tables import grid_table
from published import published_text, run_together

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

REFS = [
    ("000_d12fae63e0bd492a.txt", DATA / "ref_000_malugou_2023.json"),
    ("001_24548c9bc9871823.txt", DATA / "ref_001_qingliu_2019.json"),
    ("002_a7d1ab90ef2b8173.txt", DATA / "ref_002_xinji_2022.json"),
    ("003_23d160e7ec491542.txt", DATA / "ref_003_ciyin_2023.json"),
    ("more/01_huaian_shi_2024.txt", None),
    ("more/02_hongze_qu_2023.txt", None),
    ("more/03_hongze_qu_2024.txt", None),
]
"""004 shows two blank cells: without separators a blank cell is not there at all."""
MODES = {"plain": {}, "site chrome": {"chrome": True},
         "one line": {"chrome": True, "one_line": True}}


def hand_read(name, data_file):
    path = reference(name)
    data = load(data_file if data_file else path.with_name(path.stem + ".expected.json"))
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
    """02: 行政复议 总计 printed 0 although 10 + 1: no cut of its run adds up."""
    _data, fmt, expected, rows = hand_read("more/02_hongze_qu_2023.txt", None)
    path = tmp_path / "报告.txt"
    path.write_text(run_together(expected, fmt, "洪泽区人民政府", 2023, rows=rows), encoding="utf-8")
    result = api.check(path)
    assert any(f.rule == "P4" and f.severity == "error" for f in result.findings)
    assert result.verdicts.rules["R1"] == "不成立" and result.verdict == "不一致"
    assert result.exit_code == 2


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

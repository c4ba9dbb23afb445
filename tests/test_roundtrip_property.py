"""Property: consistent data survives template → workbook → reader with no findings, and
one perturbed value is caught by exactly the rules that involve it, at exactly their cells."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from make_report import api
from make_report.core.interchange import report_to_dict
from make_report.core.layout import workbook_layout
from make_report.core.model import Report
from make_report.core.synthetic import consistent_narrative, consistent_values
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook

FORMAT_IDS = st.sampled_from(sorted(FORMATS))
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def build(fmt, seed: int) -> Report:
    year = 2020 if fmt.id == "2019" else 2024
    report = Report(fmt, "随机县人民政府", year, values=consistent_values(fmt, random.Random(seed)),
                    date=dt.date(year + 1, 1, 20))
    report.narrative = consistent_narrative()
    return report


def roundtrip(report: Report):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "filled.xlsx"
        write_workbook(report.format, path, report)
        return api.check(path)


def expected_findings(fmt, key: str) -> set[tuple[str, tuple[str, ...]]]:
    """Rules whose lines contain the key, each at the cells of the totals it checks."""
    cells = workbook_layout(fmt).field_cells
    out = set()
    for eq in fmt.equations:
        for _line, left, right in fmt.lines(eq):
            if key in left or key in right:
                out.add((eq.id, tuple(cells[k][1] for k in left)))
    return out


@SETTINGS
@given(format_id=FORMAT_IDS, seed=st.integers(0, 10**6))
def test_consistent_data_roundtrips_without_findings(format_id, seed):
    report = build(FORMATS[format_id], seed)
    result = roundtrip(report)
    assert [f.message for f in result.findings if f.severity != "info"] == []
    assert result.report.values == report.values
    assert report_to_dict(result.report) == report_to_dict(report)


@SETTINGS
@given(format_id=FORMAT_IDS, seed=st.integers(0, 10**6), data=st.data())
def test_one_perturbed_value_is_caught_where_it_breaks_a_rule(format_id, seed, data):
    fmt = FORMATS[format_id]
    report = build(fmt, seed)
    field = data.draw(st.sampled_from([f for f in fmt.fields if f.kind != "amount"]))
    report.values[field.key] += data.draw(st.integers(1, 50))
    result = roundtrip(report)
    got = {(f.rule, f.cells) for f in result.findings if f.severity != "info"}
    assert got == expected_findings(fmt, field.key)

"""Shared fixtures: reports built in code, parametrised over both official formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from make_report.formats import FORMATS
from make_report.interchange import report_from_dict
from make_report.layout import workbook_layout
from make_report.synthetic import consistent_report

DATA = Path(__file__).parent / "data"


@pytest.fixture(params=list(FORMATS), ids=lambda f: f"format{f}")
def fmt(request):
    return FORMATS[request.param]


@pytest.fixture
def report(fmt):
    return consistent_report(fmt, seed=7)


def cells_of(fmt):
    """Field key -> Location, as a workbook of this format would give them."""
    from make_report.findings import Location

    return {k: Location(s, c) for k, (s, c) in workbook_layout(fmt).field_cells.items()}


def load_reference(name: str):
    report, _ = report_from_dict(json.loads((DATA / name).read_text(encoding="utf-8")))
    return report

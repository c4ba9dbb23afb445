"""Shared fixtures: reports built in code, parametrised over both official formats."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from make_report.core.interchange import report_from_dict
from make_report.core.layout import workbook_layout
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS

DATA = Path(__file__).parent / "data"

# Property tests draw the same examples on every run, so a green suite stays green on a
# fresh clone (no example database there) and a red one is red again when re-run. To
# explore new examples, as when hunting for bugs: MAKE_REPORT_HYPOTHESIS=explore.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("MAKE_REPORT_HYPOTHESIS", "deterministic"))


@pytest.fixture(params=list(FORMATS), ids=lambda f: f"format{f}")
def fmt(request):
    return FORMATS[request.param]


@pytest.fixture
def report(fmt):
    return consistent_report(fmt, seed=7)


def require_soffice() -> str:
    """LibreOffice's path; skip without it, unless CI demands it (MAKE_REPORT_REQUIRE_SOFFICE)."""
    found = shutil.which("soffice")
    if found is None and os.environ.get("MAKE_REPORT_REQUIRE_SOFFICE"):
        pytest.fail("MAKE_REPORT_REQUIRE_SOFFICE is set but LibreOffice is not installed")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def cells_of(fmt):
    """Field key -> Location, as a workbook of this format would give them."""
    from make_report.core.findings import Location

    return {k: Location(s, c) for k, (s, c) in workbook_layout(fmt).field_cells.items()}


def load_reference(name: str):
    report, _ = report_from_dict(json.loads((DATA / name).read_text(encoding="utf-8")))
    return report

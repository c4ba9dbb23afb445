"""The format descriptions hang together, and the pure core imports no edge library or layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.narrative.parts import report_parts
from make_report.narrative.render import find_template

ALL = pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=lambda f: f.id)
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "make_report"
CORE = tuple(sorted(
    "make_report." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
    for folder in ("core", "checks", "formats", "rules") for p in (PACKAGE / folder).rglob("*.py")))
"""Every module of the pure core: the report model, the checks, the formats, the rules."""
EDGES = {"openpyxl", "docx", "jinja2", "typer", "lxml", "rich", "defusedxml"}
OUTER = ("make_report.readers", "make_report.writers", "make_report.importer",
         "make_report.narrative", "make_report.app", "make_report.api", "make_report.cli")


def test_the_pure_core_is_every_core_checks_formats_and_rules_module():
    assert {"make_report.core.interchange", "make_report.core.cells", "make_report.checks.validate",
            "make_report.rules.catalogue", "make_report.formats.f2021"} <= set(CORE)


def test_the_pure_core_imports_no_edge_library():
    code = (f"import {', '.join(CORE)}; import sys; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {EDGES!r} "
            f"or m.startswith({OUTER!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


@ALL
def test_every_key_the_format_names_is_one_of_its_fields(fmt):
    keys = [k for claim in fmt.claims for k in claim.keys]
    keys += [k for figure in fmt.key_figures for k in figure.keys]
    for rule in fmt.year_rules:
        for carry in rule.carries:
            keys += [carry.target, *carry.plus, *carry.minus]
    assert keys and set(keys) <= set(fmt.field_map)


@ALL
def test_last_years_cells_are_fields_of_some_format(fmt):
    every = {k for f in FORMATS.values() for k in f.field_map}
    assert {c.previous for r in fmt.year_rules for c in r.carries} <= every


def test_y2_and_the_table_two_claims_are_2021_only():
    assert [r.id for r in FORMATS["2021"].year_rules] == ["Y1", "Y2"]
    assert [r.id for r in FORMATS["2019"].year_rules] == ["Y1"]
    table_two = {k for c in FORMATS["2021"].claims for k in c.keys
                 if k.startswith("active_disclosure.")}
    assert len(table_two) == 5
    assert not {k for c in FORMATS["2019"].claims for k in c.keys
                if k.startswith("active_disclosure.")}
    shared = {c.what for c in FORMATS["2019"].claims}
    assert shared <= {c.what for c in FORMATS["2021"].claims} and len(shared) == 11


@ALL
def test_claim_patterns_state_one_number(fmt):
    for claim in fmt.claims:
        assert claim.regex.groups == 1, claim.what


@ALL
def test_sections_name_their_tables_and_templates(fmt):
    names = [s.short_name for s in fmt.sections if s.table]
    assert all(names) and len(set(names)) == len(names)
    for section in fmt.sections:
        for name in (section.summary_template, section.default_template):
            if name:
                assert find_template(name).is_file()


@ALL
def test_key_figure_titles_are_unique(fmt):
    labels = [f.label for f in fmt.key_figures]
    assert len(set(labels)) == len(labels)


@ALL
def test_report_parts_nest_each_section_and_end_with_the_closing(fmt):
    report = consistent_report(fmt, seed=1)
    kinds = [part[0] for part in report_parts(report)]
    assert kinds[0] == "title" and kinds[-1] == "closing"
    assert kinds.count("section") == kinds.count("end") == len(fmt.sections)
    assert kinds.count("table") == len(fmt.tables)

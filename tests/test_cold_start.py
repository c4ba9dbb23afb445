"""What keeps a single ``make-report`` run quick from a cold start stays in place, and
changes nothing a clerk sees: a claim's pattern is compiled only for a paragraph that could
match it (and then finds the same), the console splits lines as its regular expression
did, and the plain main job loads only what it uses. Speed itself is measured by
``bench/``, never here."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from make_report.cli.console import tokens
from make_report.core.model import Entry
from make_report.core.spec import Claim, lead_words
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook


@pytest.mark.parametrize("pattern, words", [
    ("行政复议[^。]{0,6}?(\\d+)件", ("行政复议",)),
    ("(?:收到|受理|新收)[^。]{0,16}?申请(\\d+)", ("收到", "受理", "新收")),
    ("规章\\s*(\\d+)", ("规章",)),
    ("行政复议?(\\d+)", ("行政复",)),  # the last character may be missing
    ("行政复议{2}(\\d+)", ("行政复",)),
    ("行政复议*(\\d+)", ("行政复",)),
    ("(?:收到|受理)?申请(\\d+)", ()),  # the group may be missing
    ("(?:收到|受理)*申请(\\d+)", ()),
    ("(?:收(到)|受理)申请(\\d+)", ()),  # not plain words
    ("行政复议(\\d+)|(\\d+)件", ()),  # another alternative may match anywhere
    ("(?:收到|受理)申请(\\d+)|申请(\\d+)", ()),
    ("\\d+件", ()),
    ("(?i)ab(\\d+)", ()),
    ("[复议](\\d+)", ()),
    ("复议[|](\\d+)", ("复议",)),  # a bar inside a class is a character
    ("复议[]|](\\d+)", ("复议",)),
    ("复议[^]|](\\d+)", ("复议",)),
    ("复议\\|(\\d+)", ("复议",)),
    ("复议(a|b)(\\d+)", ("复议",)),  # alternatives inside a group leave the start as it is
])
def test_lead_words_are_only_what_every_match_begins_with(pattern, words):
    assert lead_words(pattern) == words


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_every_claim_can_skip_a_paragraph_that_cannot_match(fmt):
    for claim in fmt.claims:
        assert claim.words, claim.what


SENTENCES = [
    "本年度共收到政府信息公开申请12件,受理申请十二件。",
    "新收申请 7 件;收到各类申请 3 个。",
    "行政复议3件,行政诉讼二件,行政复议结果维持1件、结果纠正2件,其他结果0件,尚未审结1件。",
    "发生行政诉讼案件5起,其中行政诉讼结果维持2件,纠正1件,尚未审结2件;行政复议其他1件。",
    "制发规章2件,现行有效规章 10 件,现行有效行政规范性文件30件,废止规范性文件4件。",
    "规范性文件本年制发 6 件,规范性文件清理后废止两件。",
    "全年未发生行政复议。收到群众来信。",
    "坚持以公开为常态、不公开为例外。",
    "",
]


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_a_claim_finds_what_its_pattern_finds(fmt):
    found = 0
    for claim in fmt.claims:
        for text in [*SENTENCES, "".join(SENTENCES)]:
            fresh = Claim(claim.what, claim.pattern, claim.keys)
            expected = [(m.span(), m.groups()) for m in re.finditer(claim.pattern, text)]
            assert [(m.span(), m.groups()) for m in fresh.finditer(text)] == expected
            first = fresh.search(text)
            assert (first.span() if first else None) == (expected[0][0] if expected else None)
            found += len(expected)
    assert found > 2 * len(fmt.claims)  # the sentences do state numbers the claims read


def test_a_paragraph_without_the_words_does_not_compile_the_pattern():
    claim = Claim("行政复议", "行政复议[^。]{0,6}?(\\d+)件", ())
    assert list(claim.finditer("本年度共收到申请12件。")) == []
    assert "regex" not in claim.__dict__
    assert [m.group(1) for m in claim.finditer("行政复议3件")] == ["3"]
    assert "regex" in claim.__dict__


LINES = ["", " ", "  \t ", "abc def", "中文字符", "a中b", "中 文", "word中文word", "\u3000全角空格",
         "\u2e7f\u2e80\uffff\U0001f600x", "x\xa0y\u200bz", "收到[b]申请 12 件,long-english-word中",
         "\x85\x1c", "ab\u2028cd", " lead and trail ", "😀😀 中"]


@pytest.mark.parametrize("line", LINES)
def test_console_breaks_lines_where_its_regular_expression_did(line):
    pattern = re.compile(r"\s+|[^\s\u2e80-\uffff]+|.")
    for part in line.splitlines() or [""]:
        assert tokens(part) == pattern.findall(part)


def _fresh(code: str, *args: str) -> list:
    """What ``code`` prints last, run in a new interpreter (as a clerk's command runs)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True, env=env)
    return json.loads(done.stdout.splitlines()[-1])


HEAVY = ["typer", "click", "rich", "jinja2", "json", "docx", "openpyxl", "pydantic",
         "make_report.narrative", "make_report.writers", "make_report.importer",
         "make_report.app"]
"""Not needed to check a workbook without narrative templates."""

CHECK = """
import sys, io, contextlib
from make_report.cli.entry import main
heavy = sys.argv[2:]
sys.argv = ["make-report", "check", sys.argv[1]]
out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
with contextlib.redirect_stdout(out):
    code = main()
from make_report.formats import FORMATS
compiled = sorted(c.what for f in FORMATS.values() for c in f.claims if "regex" in c.__dict__)
from make_report.core.layout import workbook_layout
live = sorted(t.name for f in FORMATS.values() for t in workbook_layout(f).tables.values()
              if "_live" in t.__dict__)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy
                or any(m.startswith(p + ".") for p in heavy if "." in p))
import json
print(json.dumps([code, loaded, compiled, live]))
"""


def test_a_plain_check_loads_only_what_it_uses(tmp_path):
    report = consistent_report(FORMATS["2021"], seed=5, agency="某镇人民政府")
    path = tmp_path / "工作簿.xlsx"
    write_workbook(report.format, path, report)
    code, loaded, compiled, live = _fresh(CHECK, str(path), *HEAVY)
    assert code == 0
    assert loaded == []
    assert compiled == []  # no paragraph names what a claim reads
    assert live == []  # the workbook's formulas and live checks are the template writer's


def test_a_claim_the_text_makes_is_still_checked_from_a_cold_start(tmp_path):
    report = consistent_report(FORMATS["2021"], seed=5, agency="某镇人民政府")
    stated = report.value("review_litigation.review.4") + 1
    report.narrative["overview"] = [Entry("(一)情况", [f"全年发生行政复议{stated}件。"])]
    path = tmp_path / "工作簿.xlsx"
    write_workbook(report.format, path, report)
    code, loaded, compiled, _ = _fresh(CHECK.replace('"check", ', '"check", "--json", '),
                                    str(path), "typer")
    assert code == 0 and loaded == []  # T1 is a warning
    assert "行政复议" in compiled and "本年新收政府信息公开申请" not in compiled
    done = subprocess.run([sys.executable, "-m", "make_report.cli.entry", "check", "--json",
                           str(path)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    findings = json.loads(done.stdout)["findings"]
    assert any(f["rule"] == "T1" and f["found"] == stated for f in findings)


def test_a_caller_in_the_same_process_keeps_its_collector_as_it_was(tmp_path):
    """Only the program itself (``main()`` without arguments) tunes the collector."""
    import gc

    from make_report.cli.entry import main

    before = gc.get_threshold(), gc.get_freeze_count()
    assert main(["check", str(Path(tmp_path) / "无.xlsx")]) == 2
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_the_live_cells_are_made_when_asked_for(fmt):
    """The template writer's formulas and checks, made on first use, are those of the sheet."""
    from make_report.core.layout import workbook_layout

    sheets = list(workbook_layout(fmt).tables.values())
    assert any(sheet.checks for sheet in sheets)
    for sheet in sheets:
        assert all(c.formula.startswith("=IF(") for c in sheet.checks)
        assert set(sheet.formulas) <= set(sheet.cells)
        assert bool(sheet.check_labels) == bool(sheet.checks)
        assert sheet.formulas is sheet.formulas  # made once


# --- narrative cells that only name values, checked without Jinja (narrative/plain.py) ---

FRAGMENTS = [
    "全年新收申请", "件。", "{{ 依申请.本年新收.总计 }}", "{{依申请.本年新收.总计}}",
    "{{ agency }}", "{{ 机关名称 }}", "{{ year }}", "{{\u3000报告年度\n}}", "{{ values }}",
    "{{ 依申请.本年新收 }}", "{{ 不存在 }}", "{{ 依申请.不存在 }}", "{{ 依申请.本年新收.不存在 }}",
    "{{- year }}", "{{ year -}}", "{{ year|string }}", "{{ year + 1 }}", "{% if year %}有{% endif %}",
    "{# 注 #}", "{{{ year }}", "{ year }", "}}", "{{ year }", "{{ 1 }}", "{{ true }}",
    "{{ none }}", "{{ range }}", "\x01", "\ud800", "{{ year.real }}", "{{ applications.granted }}",
    "{{ applications.new_received.total }}", "{{ 主动公开.行政许可 }}", "{{ not }}",
    "{{ 依申请.本年新收.总计.x }}", "{{ ａgency }}", "{{ a² }}", "{{ year }}{{ year }}", "{%",
    "{#", "{{", "{{ year }}\n", "\r\n", "{{ 依申请 . 本年新收 . 总计 }}", "{{ 依申请['本年新收'] }}",
]


def _contexts():
    from make_report.narrative.names import render_context

    report = consistent_report(FORMATS["2021"], seed=5, agency="某镇人民政府")
    yield render_context(report)
    report.agency = "长" * 100_001  # longer than a value may be
    yield render_context(report)
    report.agency = "某镇\x02"  # a character no document can hold
    yield render_context(report)


def _outcomes(texts, context, work, plain_first):
    """Each text's J1 message (or None) and the budget left, as ``template_findings`` goes:
    through ``render_plainly`` first, or (as before it) through the sandbox alone."""
    from make_report.narrative import plain
    from make_report.narrative.render import Budget, NarrativeError, render_text

    plain.COMPILED.clear()
    budget, out = Budget(work), []
    for text in texts:
        if plain_first and plain.render_plainly(text, context, budget):
            out.append(None)
            continue
        try:
            render_text(text, context, "一、总体情况!B5", budget)
            out.append(None)
        except NarrativeError as exc:
            out.append(str(exc))
    plain.COMPILED.clear()
    return out, budget.left


def test_a_plain_cell_is_judged_and_charged_as_the_sandbox_would():
    import random

    draw = random.Random(13)
    cases = 0
    for context in _contexts():
        for _ in range(150):
            texts = ["".join(draw.choice(FRAGMENTS) for _ in range(draw.randint(1, 4)))
                     for _ in range(draw.randint(1, 6))]
            texts += draw.sample(texts, k=min(2, len(texts)))  # the same cell text again
            for work in (1_000_000, 800, 300):  # budgets that run out part way
                before = _outcomes(texts, context, work, plain_first=False)
                assert _outcomes(texts, context, work, plain_first=True) == before, texts
                cases += 1
    assert cases == 3 * 150 * 3


def test_only_plain_cells_skip_the_sandbox():
    from make_report.narrative.plain import Budget, render_plainly

    context = next(_contexts())
    for text in ["收到{{ 依申请.本年新收.总计 }}件", "{{ 机关名称 }}{{year}}年", "没有标记 {x}"]:
        budget = Budget()
        assert render_plainly(text, context, budget)
    for text in ["{{ 依申请.本年新收 }}", "{{ year + 1 }}", "{% if year %}{% endif %}",
                 "{{ 不存在 }}", "{{ year|string }}", "{{- year }}", "{# 注 #}{{ year }}"]:
        budget = Budget()
        assert not render_plainly(text, context, budget)
        assert budget.left == budget.total


def test_a_cold_check_of_named_values_does_not_load_jinja(tmp_path):
    report = consistent_report(FORMATS["2021"], seed=5, agency="某镇人民政府")
    report.narrative["overview"] = [Entry("(一)情况", [
        "全年新收申请{{ 依申请.本年新收.总计 }}件,{{ 机关名称 }}。"])]
    path = tmp_path / "工作簿.xlsx"
    write_workbook(report.format, path, report)
    code, loaded, _, _ = _fresh(CHECK, str(path), "jinja2", "typer")
    assert (code, loaded) == (0, [])
    report.narrative["overview"][0].paragraphs.append("共{{ 依申请.没有这项 }}件")
    write_workbook(report.format, path, report)
    code, loaded, _, _ = _fresh(CHECK, str(path), "jinja2")
    assert code == 1 and "jinja2" in loaded  # the sandbox words the J1 error

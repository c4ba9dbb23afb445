"""The rule catalogue is the one description of every finding: what checks use, what the
README and ``make-report explain`` show."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from make_report.cli.main import main
from make_report.core.findings import SEVERITY_ZH
from make_report.formats import FORMATS
from make_report.rules import RULES, UnknownRule, finding
from make_report.rules.catalogue import _params
from make_report.rules.docs import END, START, markdown_table, with_table

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "make_report"
README = (ROOT / "README.md").read_text(encoding="utf-8")
ID = re.compile(r"[A-Z]\d+")
CREATORS = {"finding", "note", "_add", "Equation", "YearRule"}
"""Calls whose first argument is a rule id: ``finding`` and the helpers that pass it on."""


def source_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def rule_ids_in_calls() -> list[tuple[str, str]]:
    """(file, id) for each rule id given as the first argument of a finding creator."""
    out = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and call_name(node) in CREATORS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                out.append((path.name, node.args[0].value))
    return out


def test_every_rule_id_used_in_the_source_is_in_the_catalogue():
    used = rule_ids_in_calls()
    assert len(used) > 40  # the scan does see the checks, readers and importer
    assert [(f, i) for f, i in used if i not in RULES] == []


def test_the_formats_name_catalogue_rules():
    ids = {x.id for fmt in FORMATS.values() for x in (*fmt.equations, *fmt.year_rules)}
    assert ids and ids <= set(RULES)


def test_only_the_catalogue_builds_findings():
    builders = [path.relative_to(SRC).as_posix() for path in source_files()
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Call) and call_name(node) == "Finding"]
    assert builders == ["rules/catalogue.py"]


def test_every_rule_in_the_catalogue_is_used_in_the_source():
    literals = {node.value for path in source_files() if "rules" not in path.parts
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert [r for r in RULES if r not in literals] == []


WORDINGS = [(r, kind) for r in RULES.values() for kind in ([None] if r.message else [])
            + list(r.wordings)]


@pytest.mark.parametrize(("rule", "kind"), WORDINGS,
                         ids=[f"{r.id}-{k}" if k else r.id for r, k in WORDINGS])
def test_each_rule_is_complete_and_words_every_parameter(rule, kind):
    assert ID.fullmatch(rule.id) and rule.severity in SEVERITY_ZH
    assert rule.title and rule.explain and rule.family
    template = rule.template(kind)
    params = {p: f"«{p}»" for p in _params(template) if p != "place"}
    f = finding(rule.id, "某表!A1", kind=kind, **params)
    assert (f.rule, f.severity) == (rule.id, rule.severity)
    assert f.message.startswith("某表!A1") and "{" not in f.message.replace("{{", "")
    assert all(v in f.message for v in params.values() if v not in ("«expected»", "«found»"))


PROBLEM_FRAGMENTS = {"D1", "J1"}
"""Rules whose checks still hand the catalogue a piece of sentence (``{problem}``, or J1's
``{detail}``: the narrative's Chinese for what Jinja or Python said, narrative/messages.py);
the set can only shrink."""


def test_checks_never_hand_the_catalogue_a_sentence():
    """Every sentence is the catalogue's: a check names a kind of problem and its values."""
    fragments = {r.id for r in RULES.values()
                 if {"problem", "detail"} & {*_params(r.message),
                                             *(p for t in r.wordings.values() for p in _params(t))}}
    assert fragments == PROBLEM_FRAGMENTS
    for rule_id in ("I1", "I2", "I3", "M1", "N1", "N2"):
        assert not RULES[rule_id].message or "problem" not in RULES[rule_id].params


def test_a_rule_of_several_kinds_names_the_kind():
    with pytest.raises(UnknownRule):
        finding("N1", "x", shown="1")
    assert finding("N1", "表三!B2", kind="negative", shown="-1").message == "表三!B2 不能为负数,实为 -1"


def test_an_unknown_rule_is_a_programming_error():
    with pytest.raises(UnknownRule):
        finding("blank", "x")


def test_the_readme_rule_table_is_the_catalogue():
    assert README.count(START) == README.count(END) == 1
    assert with_table(README) == README, (
        "README's rule table differs from the catalogue: run "
        "`python -m make_report.rules.docs README.md`")
    for rule in RULES.values():
        assert f"| {rule.id} | {SEVERITY_ZH[rule.severity]} | {rule.title} |" in README


def test_the_table_has_one_row_per_rule():
    assert len(markdown_table().splitlines()) == 2 + len(RULES)


def test_explain_lists_every_rule(capsys):
    assert main(["explain"]) == 0
    out = capsys.readouterr().out
    for rule in RULES.values():
        assert rule.id in out and rule.title in out


def test_explain_one_rule_in_any_case(capsys):
    assert main(["explain", "a2"]) == 0
    out = capsys.readouterr().out
    assert "A2" in out and RULES["A2"].title in out and "错误" in out
    assert RULES["A2"].explain[:20] in out


@pytest.mark.parametrize("name", ["Z9", "blank", "", "A"])
def test_explain_of_an_unknown_rule_is_a_chinese_sentence(name, capsys):
    assert main(["explain", name]) == 2
    err = capsys.readouterr().err
    assert f"没有“{name}”这条规则" in err and "A1、A2" in err and "程序内部错误" not in err


def test_no_check_hands_a_finding_chinese_words():
    """A value given to ``finding`` (other than the place) is a value, never a piece of a
    Chinese sentence: the wording is the catalogue's."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    worded = []
    for path in source_files():
        if "rules" in path.relative_to(SRC).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and call_name(node) in {"finding", "note", "_add"}:
                for kw in node.keywords:
                    if (kw.arg is not None and isinstance(kw.value, ast.Constant | ast.JoinedStr)
                            and cjk.search(ast.get_source_segment(text, kw.value) or "")):
                        worded.append(f"{path.name}:{node.lineno} {kw.arg}")
    assert worded == []


@pytest.mark.parametrize("rule_id", [r.id for r in RULES.values() if r.wordings])
def test_explain_shows_every_wording_of_a_rule_of_several_kinds(rule_id, capsys):
    from make_report.cli.explain import wordings

    assert main(["explain", rule_id]) == 0
    out = " ".join(capsys.readouterr().out.split())
    shapes = wordings(RULES[rule_id])
    assert len(shapes) == len(RULES[rule_id].wordings) + bool(RULES[rule_id].message)
    for shape in shapes:
        assert " ".join(shape.split()) in out and "{place}" not in shape
    if rule_id == "N1":
        assert "不能为负数,实为 …" in shapes

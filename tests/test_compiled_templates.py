"""Narrative templates compiled once and kept on disk (narrative/sandbox.py, make_report.cache)
render exactly what a fresh compile renders, are charged the same work, and are used only
when the cache is ours and intact."""

from __future__ import annotations

import os

import pytest

from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.narrative import sandbox
from make_report.narrative.parts import report_parts
from make_report.narrative.render import Budget, NarrativeError, render_context, render_text

CELLS = [
    "本年度收到申请{{ 依申请.本年新收.总计 }}件,{% if 依申请.本年新收.总计 > 3 %}较多{% endif %}。",
    "{% for x in range(3) %}{{ x }}、{% endfor %}{{ 机关名称 ~ '年报' }}",
    "{{ '%05d' % 42 }}{{ 'a' * 3 }}",
]


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MAKE_REPORT_CACHE", str(folder))
    sandbox.COMPILED.clear()
    sandbox._CODE.pop("stored", None)
    yield folder
    sandbox.COMPILED.clear()
    sandbox._CODE.pop("stored", None)


def _fresh() -> None:
    """As a new process: nothing compiled in memory."""
    sandbox.COMPILED.clear()


def _render_all(report) -> tuple[list[str], int]:
    context, budget = render_context(report), Budget()
    texts = [render_text(cell, context, "一、总体情况!B7", budget) for cell in CELLS]
    return texts, budget.left


def test_cached_code_renders_what_a_fresh_compile_renders(own_cache, monkeypatch):
    report = consistent_report(FORMATS["2021"], seed=3, agency="某县")
    monkeypatch.setenv("MAKE_REPORT_CACHE", "off")
    _fresh()
    uncached = _render_all(report), list(report_parts(report))
    monkeypatch.setenv("MAKE_REPORT_CACHE", str(own_cache))
    _fresh()
    first = _render_all(report), list(report_parts(report))  # compiles, stores
    stored = list(own_cache.glob("narrative-*/*.bin"))
    assert len(stored) >= len(CELLS) + 1  # the cells and the packaged templates
    _fresh()
    from_disk = _render_all(report), list(report_parts(report))
    assert uncached == first == from_disk  # the same text and the same work left


def test_a_damaged_or_foreign_cache_file_is_not_used(own_cache):
    report = consistent_report(FORMATS["2021"], seed=3, agency="某县")
    _fresh()
    expected = _render_all(report)
    for path in own_cache.glob("narrative-*/*.bin"):
        head, _, body = path.read_bytes().partition(b"\n")
        path.write_bytes(head + b"\n" + body[:-1] + bytes([body[-1] ^ 1]))  # a bit flipped
    _fresh()
    assert sandbox._cached_code(CELLS[0]) is None
    assert _render_all(report) == expected
    if os.name != "nt":
        folder = next(own_cache.glob("narrative-*"))
        _fresh()
        _render_all(report)  # intact again (rewritten)
        _not_trusted_once_others_can_write(folder, report, expected)


def test_a_template_that_does_not_compile_is_still_an_error(own_cache):
    for _ in range(2):
        _fresh()
        with pytest.raises(NarrativeError, match="模板语法有误"):
            render_text("{% for %}", {}, "一、总体情况!B7")
    assert not any(own_cache.glob("narrative-*/*.bin"))


def test_without_a_cache_folder_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("MAKE_REPORT_CACHE", "off")
    _fresh()
    assert render_text(CELLS[2], {}, "x") == "00042aaa"
    assert sandbox._code_file(CELLS[2]) is None


def test_a_cache_folder_others_can_write_to_is_not_trusted_below_it(own_cache):
    if os.name == "nt":
        pytest.skip("POSIX permissions")
    report = consistent_report(FORMATS["2021"], seed=3, agency="某县")
    _fresh()
    expected = _render_all(report)
    # the cache folder itself, above the templates' folder
    _not_trusted_once_others_can_write(own_cache, report, expected)


def _not_trusted_once_others_can_write(folder, report, expected) -> None:
    """With ``folder`` writable by others, no cached template is used and the same text comes
    out; its permissions are restored afterwards."""
    assert sandbox._cached_code(CELLS[0]) is not None
    folder.chmod(0o777)
    try:
        assert sandbox._cached_code(CELLS[0]) is None
        _fresh()
        assert _render_all(report) == expected
    finally:
        folder.chmod(0o700)

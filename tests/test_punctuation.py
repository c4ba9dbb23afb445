"""Full-width punctuation next to Chinese text: in the format's labels, the workbook, the
Word and web reports; half-width input is still read."""

from __future__ import annotations

import re

import openpyxl
import pytest

from make_report import api
from make_report.core.grid import table_grid
from make_report.core.model import Entry
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.narrative.punctuation import full_width
from make_report.writers.docx import build_document
from make_report.writers.html import render_html
from make_report.writers.xlsx_template import write_workbook

HALF_NEXT_TO_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]")


@pytest.mark.parametrize(("typed", "official"), [
    ("2023年,我局坚持公开;强化监督:", "2023年，我局坚持公开；强化监督："),
    ("(一)主动公开", "（一）主动公开"),
    ("收到申请5件, 其中予以公开3件", "收到申请5件，其中予以公开3件"),
    ("第二十条第(一)项", "第二十条第（一）项"),
    ("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
     "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
    ("请与办公室联系(电话:0931-8123456)。", "请与办公室联系（电话：0931-8123456）。"),
    ("《关于印发<政府信息公开工作年度报告格式>的通知》",
     "《关于印发〈政府信息公开工作年度报告格式〉的通知》"),
    ("(1)加强领导", "（1）加强领导"),
])
def test_marks_next_to_chinese_become_full_width(typed, official):
    assert full_width(typed) == official
    assert full_width(official) == official, "already official text stays as it is"


@pytest.mark.parametrize("text", [
    "共计1,234件,较上年增加",  # the thousands separator stays; the comma after 件 not
    "网址:https://www.gov.cn/a,b;c:d (PDF)",
    "会议于14:30召开",
    "Windows (64 bit) and Linux",
    "",
])
def test_numbers_urls_and_ascii_runs_stay(text):
    out = full_width(text)
    for kept in ("1,234", "https://www.gov.cn/a,b;c:d", "14:30", "Windows (64 bit) and Linux"):
        if kept in text:
            assert kept in out
    assert not HALF_NEXT_TO_CHINESE.search(out.replace("(PDF)", ""))


@pytest.mark.parametrize("fmt_id", list(FORMATS))
def test_every_label_of_the_format_is_full_width(fmt_id):
    fmt = FORMATS[fmt_id]
    texts = [c.text for t in fmt.tables for c in table_grid(t).cells if c.text]
    texts += [topic for s in fmt.sections for topic in s.topics]
    texts += [s.title for s in fmt.sections] + [fmt.name]
    texts += [f.label for f in fmt.key_figures]
    bad = [t for t in texts if HALF_NEXT_TO_CHINESE.search(t)]
    assert not bad
    assert any("（" in t for t in texts)


def test_workbook_labels_are_full_width(tmp_path):
    path = tmp_path / "w.xlsx"
    report = consistent_report(FORMATS["2021"], seed=1)
    report.narrative = {}  # the clerks' own text is theirs; the labels and hints are ours
    write_workbook(FORMATS["2021"], path, report)
    wb = openpyxl.load_workbook(path)
    bad = [f"{ws.title}!{c.coordinate}: {c.value}" for ws in wb for row in ws.iter_rows()
           for c in row if isinstance(c.value, str) and not c.value.startswith("=")
           and HALF_NEXT_TO_CHINESE.search(c.value)]
    assert not bad


def test_a_workbook_with_half_width_labels_still_reads(tmp_path):
    """Workbooks made before the labels went full-width, or retyped by a clerk."""
    path = tmp_path / "old.xlsx"
    report = consistent_report(FORMATS["2021"], seed=3)
    write_workbook(FORMATS["2021"], path, report)
    wb = openpyxl.load_workbook(path)
    changed = 0
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and "（" in c.value and not c.value.startswith("="):
                    c.value = c.value.translate(str.maketrans("（）：，；", "():,;"))
                    changed += 1
    wb.save(path)
    assert changed > 20
    result = api.check(path)
    assert result.valid
    assert result.report.values == report.values


def _sample():
    fmt = FORMATS["2021"]
    report = consistent_report(fmt, seed=5)
    report.lead = "本报告依据《条例》(以下简称《条例》)编制,统计期限自2024年1月1日起。"
    report.contact = "如有疑问,请联系办公室(电话:0931-8123456)。"
    report.narrative["overview"] = [
        Entry("(一)主动公开", ["全年公开信息1,234条;网址:https://www.gov.cn/a,b。"])]
    return report


def _chinese_texts(texts):
    return [t for t in texts if HALF_NEXT_TO_CHINESE.search(t)]


def test_word_report_has_no_half_width_marks_next_to_chinese():
    doc = build_document(_sample())
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert not _chinese_texts(texts)
    joined = "\n".join(texts)
    assert "（一）主动公开" in joined and "1,234条" in joined
    assert "https://www.gov.cn/a,b" in joined
    assert "（电话：0931-8123456）" in joined


def test_web_page_has_no_half_width_marks_next_to_chinese():
    html = render_html(_sample())
    text = re.sub(r"<style>.*?</style>|<[^>]+>", "\n", html, flags=re.S)
    assert not _chinese_texts(text.splitlines())
    assert "第二十条第（一）项" in text and "（一）主动公开" in text


def test_a_workbook_hint_pasted_with_half_width_marks_is_still_a_leftover():
    """The content check (C1) folds both forms: an older workbook's hint still counts."""
    from make_report.checks.validate import validate
    from make_report.core.layout import META_HINT
    from make_report.core.synthetic import consistent_narrative

    report = consistent_report(FORMATS["2021"], seed=5)
    report.narrative = consistent_narrative()
    old_hint = META_HINT.translate(str.maketrans("（），", "(),"))
    assert old_hint != META_HINT
    report.lead = old_hint
    assert [f.rule for f in validate(report) if f.rule == "C1"] == ["C1"]

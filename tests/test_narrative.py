"""Narrative rendering: names derived from the format, English keys, Chinese errors, the
sandbox, and the packaged sentence templates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from make_report.core.model import Report, zero_values
from make_report.formats import FORMATS
from make_report.formats.f2021 import NARRATIVE_HINT
from make_report.narrative.names import short_name
from make_report.narrative.render import (
    NarrativeError,
    find_template,
    render_context,
    render_template,
    render_text,
    split_paragraphs,
    template_dir,
)

ALL = pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=lambda f: f.id)
F2021 = FORMATS["2021"]
WHERE = "一、总体情况!B7"


def report_with(fmt=F2021, **values) -> Report:
    report = Report(fmt, "合作市人民政府", 2023, values=zero_values(fmt))
    for key, value in values.items():
        report.values[key.replace("__", ".")] = value
    return report


def render(source: str, report: Report | None = None) -> str:
    return render_text(source, report or report_with(), WHERE)


@pytest.mark.parametrize(("label", "name"), [
    ("一、本年新收政府信息公开申请数量", "本年新收"),
    ("二、上年结转政府信息公开申请数量", "上年结转"),
    ("(一)予以公开", "予以公开"),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "部分公开"),
    ("（二）部分公开（区分处理的）", "部分公开"),
    ("1.属于国家秘密", "属于国家秘密"),
    ("3.其他", "其他"),
    ("(七)总计", "总计"),
    ("四、结转下年度继续办理", "结转下年度继续办理"),
    ("本年收费金额(单位:万元)", "本年收费金额"),
    ("法律服务机构", "法律服务机构"),
])
def test_short_names(label, name):
    assert short_name(label, F2021.table("applications").label_suffix) == name


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ 依申请.本年新收.总计 }}", "6"),
    ("{{ applications.new_received.6 }}", "6"),
    ("{{ applications.new_received[6] }}", "6"),
    ('{{ values["applications.new_received.6"] }}', "6"),
    ("{{ 依申请.本年新收.自然人 }}+{{ 依申请.本年新收.法人或其他组织 }}", "4+2"),
    ("{{ 依申请.不予公开.总计 }}", "5"),
    ("{{ 主动公开.行政许可 }}", "74329"),
    ("{{ 主动公开.行政事业性收费 }}", "1681.00"),
    ("{{ 主动公开.规章.本年制发件数 }}", "2"),
    ("{{ 复议诉讼.行政复议.总计 }}/{{ 复议诉讼.直接起诉.总计 }}/{{ 复议诉讼.复议后起诉.总计 }}",
     "11/1/3"),
    ("{{ 复议诉讼.行政诉讼.总计 }}", "4"),
    ("{{ 机关名称 }}{{ 年度 }}年", "合作市人民政府2023年"),
    ("{% if 依申请.本年新收.总计 > 5 %}多{% else %}少{% endif %}", "多"),
])
def test_values_under_chinese_and_english_names(source, expected):
    report = report_with(
        applications__new_received__0=4, applications__new_received__1=2,
        applications__new_received__6=6,
        applications__withheld_state_secret__6=2, applications__withheld_third_party__6=3,
        active_disclosure__licensing=74329,
        active_disclosure__fees_10k_yuan=Decimal("1681.00"),
        active_disclosure__regulations__issued=2,
        review_litigation__review__4=11, review_litigation__litigation_direct__4=1,
        review_litigation__litigation_after_review__4=3,
    )
    assert render(source, report) == expected


def test_workbook_hint_example_renders():
    example = NARRATIVE_HINT[NARRATIVE_HINT.index("{{"): NARRATIVE_HINT.index("}}") + 2]
    assert render(example, report_with(applications__new_received__6=9)) == "9"


@ALL
def test_every_row_gets_its_own_name(fmt):
    ctx = render_context(report_with(fmt))
    for table in fmt.tables:
        rows = {f.row for f in table.fields}
        names = {short_name(f.row_label, table.label_suffix) for f in table.fields}
        assert len(names) == len(rows), table.key
        assert names <= set(ctx[{"active_disclosure": "主动公开", "applications": "依申请",
                                 "review_litigation": "复议诉讼"}[table.key]])


def test_text_without_tags_is_returned_untouched():
    text = "收到申请6件 {单独的括号} & < >"
    assert render_text(text, None, WHERE) is text  # type: ignore[arg-type]


def test_unknown_name_lists_what_exists():
    with pytest.raises(NarrativeError) as caught:
        render("{{ 依申请.本年新收.总数 }}")
    assert caught.value.message == (
        "一、总体情况!B7 模板中的“依申请.本年新收.总数”无法识别:没有“总数”,"
        "可用:自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计、法人或其他组织")


@pytest.mark.parametrize(("source", "fragment"), [
    ("{{ 依申情.本年新收 }}", "没有“依申情”,可用:主动公开、依申请、复议诉讼"),
    ("{{ 依申请.新收.总计 }}", "“依申请.新收”无法识别"),
    ("{{ applications.new_received.9 }}", "“applications.new_received.9”无法识别:没有“9”,可用:0—6"),
    ("{{ 依申请.本年新收.items }}", "没有“items”"),
    ("{% if 依申请.不存在 %}x{% endif %}", "没有“不存在”"),
    ("{{ 依申请.本年新收.总数 + 1 }}", "没有“总数”"),
])
def test_unknown_names_anywhere(source, fragment):
    with pytest.raises(NarrativeError, match=WHERE) as caught:
        render(source)
    assert fragment in caught.value.message


@pytest.mark.parametrize(("source", "fragment"), [
    ("{{ 依申请.本年新收.总计 ", "模板语法有误(第1行)"),
    ("{% if %}", "模板语法有误"),
    ("{{ ''.__class__ }}", "不允许的操作"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "不允许的操作"),
    ("{{ 机关名称.__init__.__globals__ }}", "不允许的操作"),
    ("{{ 1 / 0 }}", "除数为0"),
    ("{{ 机关名称 + 1 }}", "模板无法计算"),
])
def test_template_problems_become_chinese_messages(source, fragment):
    with pytest.raises(NarrativeError) as caught:
        render(source)
    message = caught.value.message
    assert message.startswith(WHERE) and fragment in message
    assert "Traceback" not in message


def test_context_can_be_built_once_and_reused():
    report = report_with(applications__new_received__6=3)
    ctx = render_context(report)
    assert render_text("{{ 依申请.本年新收.总计 }}", ctx, WHERE) == "3"


def test_special_characters_are_not_escaped():
    assert render("{{ 机关名称 }} & <b>") == "合作市人民政府 & <b>"


@pytest.mark.parametrize(("text", "blank_line", "paragraphs"), [
    ("一\n\n二", False, ["一", "二"]),
    ("一\n二", False, ["一", "二"]),
    ("　　一段", False, ["一段"]),
    ("第一\n行\n\n第二段", True, ["第一行", "第二段"]),
    ("\n\n  \n", True, []),
])
def test_paragraph_splitting(text, blank_line, paragraphs):
    assert split_paragraphs(text, blank_line=blank_line) == paragraphs


@ALL
def test_zero_tables_give_plain_sentences(fmt):
    report = report_with(fmt)
    assert render_template("applications_summary.j2", report) == ["本年度未收到政府信息公开申请。"]
    assert render_template("review_litigation_summary.j2", report) == [
        "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。"]
    assert render_template("fees.j2", report) == ["本年度未收取信息处理费。"]


def test_applications_summary_reads_the_table():
    report = report_with(
        applications__new_received__6=6, applications__carried_from_last_year__6=2,
        applications__granted__6=5, applications__unable_not_held__6=1,
        applications__total_handled__6=6, applications__carried_to_next_year__6=2)
    assert render_template("applications_summary.j2", report) == [
        "本年度新收政府信息公开申请6件，上年结转2件；办理完结6件，其中予以公开5件、"
        "无法提供1件；结转下年度继续办理2件。"]


def test_review_summary_reads_the_table():
    report = report_with(
        review_litigation__review__0=9, review_litigation__review__2=2,
        review_litigation__review__4=11, review_litigation__litigation_direct__2=1,
        review_litigation__litigation_direct__4=1)
    assert render_template("review_litigation_summary.j2", report) == [
        "本年度因政府信息公开被申请行政复议11件（结果维持9件、其他结果2件）；"
        "被提起政府信息公开行政诉讼1件，其中未经复议直接起诉1件（其他结果1件）。"]


def test_packaged_templates_are_found():
    root = template_dir(None)
    assert {p.name for p in (root / "narrative").glob("*.j2")} >= {
        "applications_summary.j2", "review_litigation_summary.j2", "fees.j2"}


def test_custom_template_folder_overrides_and_falls_back(tmp_path):
    (tmp_path / "fees.j2").write_text("自定义", encoding="utf-8")
    assert find_template("fees.j2", tmp_path) == tmp_path / "fees.j2"
    assert find_template("applications_summary.j2", tmp_path).parent == template_dir() / "narrative"
    assert render_template("fees.j2", report_with(), tmp_path) == ["自定义"]


def test_missing_template_folder_or_file_is_a_narrative_error(tmp_path):
    with pytest.raises(NarrativeError, match="不存在"):
        template_dir(tmp_path / "nope")
    with pytest.raises(NarrativeError, match=r"找不到叙述模板“nope\.j2”"):
        find_template("nope.j2")


def test_broken_custom_template_names_its_file(tmp_path):
    (tmp_path / "fees.j2").write_text("{{ 收费 }}", encoding="utf-8")
    with pytest.raises(NarrativeError, match=r"fees\.j2"):
        render_template("fees.j2", report_with(), tmp_path)


def test_a_template_file_is_read_whole_its_bom_dropped_and_its_size_bounded(tmp_path):
    from make_report.narrative.render import MAX_TEMPLATE_BYTES

    (tmp_path / "fees.j2").write_bytes("\ufeff收费{{ 2 + 3 }}元".encode())
    assert render_template("fees.j2", report_with(), tmp_path) == ["收费5元"]
    (tmp_path / "fees.j2").write_bytes("\ufeff\ufeff两个".encode())  # only the first is a BOM
    assert render_template("fees.j2", report_with(), tmp_path) == ["\ufeff两个"]
    long = "字" * (MAX_TEMPLATE_BYTES // 3) + "尾"
    (tmp_path / "fees.j2").write_text(long[:-1], encoding="utf-8")  # just under the limit
    assert render_template("fees.j2", report_with(), tmp_path) == [long[:-1]]
    (tmp_path / "fees.j2").write_text(long, encoding="utf-8")
    with pytest.raises(NarrativeError, match="过大"):
        render_template("fees.j2", report_with(), tmp_path)


def test_a_template_longer_than_its_size_said_is_still_read_whole(tmp_path, monkeypatch):
    """A file that grew after it was measured (or says 0 bytes, as /proc's do)."""
    import os

    import make_report.narrative.render as narrative

    (tmp_path / "fees.j2").write_text("收费为零。", encoding="utf-8")
    real = os.fstat
    monkeypatch.setattr(narrative.os, "fstat", lambda fd: os.stat_result(
        (*real(fd)[:6], 0, *real(fd)[7:])))
    assert render_template("fees.j2", report_with(), tmp_path) == ["收费为零。"]


def test_an_installed_package_uses_its_own_templates(tmp_path, monkeypatch):
    import make_report.narrative.render as narrative

    (tmp_path / "narrative").mkdir()
    (tmp_path / "narrative" / "fees.j2").write_text("包内模板", encoding="utf-8")
    monkeypatch.setattr(narrative, "PACKAGE_TEMPLATES", tmp_path)
    assert template_dir() == tmp_path
    assert render_template("fees.j2", report_with()) == ["包内模板"]


def test_the_sandbox_uses_jinjas_public_extension_points_only():
    """No compiler subclass, nothing of Jinja's patched: the Undefined subclass names every
    operator Jinja binds to its failing method, so none escapes with Jinja's own message."""
    from jinja2 import StrictUndefined, Undefined

    from make_report.narrative import sandbox

    ours = vars(sandbox._Undefined)
    bound = [name for name, value in {**vars(Undefined), **vars(StrictUndefined)}.items()
             if value is Undefined._fail_with_undefined_error and name.startswith("__")]
    assert bound and all(ours.get(name) is ours["_fail_with_undefined_error"] for name in bound)
    assert sandbox.ENV.code_generator_class.__module__.startswith("jinja2")
    assert Undefined.__str__ is not ours["__str__"]  # Jinja's own class left as it was


@pytest.mark.parametrize("text", ["{{ 没有 ~ '件' }}", "{{ 没有 + 1 }}", "{{ 没有 | length }}",
                                  "{% for x in 没有 %}{% endfor %}", "{{ 没有 < 1 }}"])
def test_every_use_of_an_unknown_name_names_it(text):
    with pytest.raises(NarrativeError, match="“没有”无法识别"):
        render_text(text, report_with(), WHERE)


def test_joining_with_tilde_is_weighed_before_it_is_made():
    with pytest.raises(NarrativeError, match="内容过长"):
        render_text("{% set a = 'x' * 60000 %}{{ a ~ a }}", report_with(), WHERE)
    assert render_text("{{ '收到' ~ 依申请.本年新收.总计 ~ '件' }}",
                       report_with(**{"applications.new_received.6": 6}), WHERE) == "收到6件"

"""``make-report audit DIR -o 审核结果.xlsx``: a city's published reports, one row each."""

from __future__ import annotations

import openpyxl

from make_report.cli.main import main
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.html import render_html
from published import published_text


def _report(seed: int, agency: str):
    report = consistent_report(FORMATS["2021"], seed=seed, agency=agency)
    report.year = 2024
    return report


def city(tmp_path):
    folder = tmp_path / "各单位报告"
    (folder / "乡镇").mkdir(parents=True)
    (folder / "甲县.txt").write_text(published_text(_report(1, "甲县人民政府")), encoding="utf-8")
    (folder / "乡镇" / "乙镇.html").write_text(render_html(_report(2, "乙镇人民政府")),
                                             encoding="utf-8")
    wrong = _report(3, "丙县人民政府")
    wrong.values["review_litigation.review.4"] += 2
    (folder / "丙县.txt").write_text(published_text(wrong), encoding="utf-8")
    cut = published_text(_report(4, "丁县人民政府")).split("\n")
    cut = cut[: next(i for i, x in enumerate(cut) if x.startswith(("(七)总计", "（七）总计")))]
    (folder / "丁县.txt").write_text("\n".join(cut), encoding="utf-8")
    (folder / "戊县.docx").write_bytes(b"not a document")
    return folder


def test_audit_writes_one_row_per_report_and_exits_1(tmp_path, capsys):
    folder = city(tmp_path)
    out = tmp_path / "审核结果.xlsx"
    assert main(["audit", str(folder), "-o", str(out), "--html"]) == 1
    err = capsys.readouterr().err
    assert "共 5 份:一致 2,不一致 1,无法读取 2" in err
    ws = openpyxl.load_workbook(out)["审核结果"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert {name: (r[1], r[2], r[4]) for name, r in rows.items()} == {
        "甲县.txt": ("甲县人民政府", "2024", "一致"),
        "乡镇/乙镇.html": ("乙镇人民政府", "2024", "一致"),
        "丙县.txt": ("丙县人民政府", "2024", "不一致"),
        "丁县.txt": ("丁县人民政府", "2024", "无法读取"),
        "戊县.docx": (None, None, "无法读取"),
    }
    assert "R1 不成立" in rows["丙县.txt"][5] and "R1" in rows["丙县.txt"][6]
    assert "A2 无法判断" in rows["丁县.txt"][5] and "表三" in rows["丁县.txt"][7]
    assert "不是有效的 Word 文档" in rows["戊县.docx"][7]
    detail = openpyxl.load_workbook(out)["问题明细"]
    found = [(r[0], r[3], r[5]) for r in detail.iter_rows(min_row=2, values_only=True)]
    assert ("丙县.txt", "R1", "不成立") in found
    page = (tmp_path / "审核结果.html").read_text(encoding="utf-8")
    assert "丙县人民政府" in page and "不一致" in page and "<script" not in page


def test_a_city_whose_reports_all_hold_exits_0(tmp_path):
    folder = tmp_path / "报告"
    folder.mkdir()
    for seed in (1, 2):
        (folder / f"{seed}.txt").write_text(published_text(_report(seed, f"{seed}县人民政府")),
                                            encoding="utf-8")
    assert main(["audit", str(folder), "-o", str(tmp_path / "审核结果.xlsx")]) == 0


def test_names_from_reports_are_escaped_in_the_page(tmp_path):
    folder = tmp_path / "报告"
    folder.mkdir()
    (folder / "<b>x.txt").write_text(published_text(_report(1, "<script>某县")), encoding="utf-8")
    assert main(["audit", str(folder), "-o", str(tmp_path / "审核.xlsx"), "--html"]) in (0, 1)
    page = (tmp_path / "审核.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;b&gt;x.txt" in page


def test_an_empty_folder_is_one_sentence(tmp_path, capsys):
    (tmp_path / "空").mkdir()
    assert main(["audit", str(tmp_path / "空"), "-o", str(tmp_path / "审核.xlsx")]) == 2
    assert "文件夹中没有已发布的报告" in capsys.readouterr().err


def test_a_report_the_system_cannot_read_is_its_sentence_not_an_internal_error(tmp_path):
    """The audit's files meet the one error boundary: an operating-system refusal or any
    MakeReportError is the user's sentence; only a bug is 内部错误."""
    import errno

    from make_report.app.audit import audit_one
    from make_report.core.audit import UNREADABLE
    from make_report.narrative.render import NarrativeError

    path = tmp_path / "某县.docx"
    for exc, said in ((PermissionError(errno.EACCES, "denied", str(path)), "没有权限读取"),
                      (MemoryError(), "内存不足"),
                      (NarrativeError("某县.docx 正文第1段 模板语法有误"), "模板语法有误"),
                      (KeyError("x"), "内部错误(KeyError)")):
        def check(_path, exc=exc):
            raise exc
        item = audit_one(path, tmp_path, check)
        assert item.verdict == UNREADABLE and said in item.message, item.message
        assert item.message.count("某县.docx") == 1, item.message  # named once

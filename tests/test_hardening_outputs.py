"""Outputs never replace what a user made, and text from files never spoofs the screen,
the web page or a file name."""

from __future__ import annotations

import pytest

from make_report import api
from make_report.cli.main import main
from make_report.core.errors import InputError
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook
from test_bad_inputs import IN, valid

NOT_KEPT = "为免丢失您的修改,未覆盖。如确需重新生成,请加 --force,或用 -o 另存为新文件。"


def test_an_edited_web_page_is_protected_like_the_document(tmp_path, capsys):
    source, out = valid(tmp_path), tmp_path / "报告.docx"
    assert main([str(source), "-o", str(out), "--html"]) == 0
    page = tmp_path / "报告.html"
    assert main([str(source), "-o", str(out), "--html"]) == 0  # unedited: replaced
    page.write_text(page.read_text(encoding="utf-8").replace("<h1>", "<h1>改:"), encoding="utf-8")
    edited, before = page.read_bytes(), out.read_bytes()
    capsys.readouterr()
    assert main([str(source), "-o", str(out), "--html"]) == 2
    assert capsys.readouterr().err == f"无法处理:报告.html:该文件在生成后被编辑过,{NOT_KEPT}\n"
    assert page.read_bytes() == edited and out.read_bytes() == before
    assert main([str(source), "-o", str(out), "--html", "--force"]) == 0
    assert page.read_bytes() != edited


def test_a_hand_made_web_page_beside_the_document_is_kept(tmp_path, capsys):
    source, out = valid(tmp_path), tmp_path / "报告.docx"
    (tmp_path / "报告.html").write_text("<p>我们自己的网页</p>", encoding="utf-8")
    assert main([str(source), "-o", str(out), "--html"]) == 2
    assert "报告.html:该文件已存在且不是本工具生成的(或已被另存过)" in capsys.readouterr().err
    assert (tmp_path / "报告.html").read_text(encoding="utf-8") == "<p>我们自己的网页</p>"
    assert not out.exists()


def test_two_template_runs_racing_for_one_new_file(tmp_path, monkeypatch):
    """The other run puts its file in place while this one is saving: this one says so."""
    import openpyxl

    target = tmp_path / "新.xlsx"
    save = openpyxl.Workbook.save

    def other_run_wins(self, filename):
        target.write_bytes(b"the other run")
        return save(self, filename)

    monkeypatch.setattr(openpyxl.Workbook, "save", other_run_wins)
    with pytest.raises(InputError) as caught:
        api.template(target, year=2024)
    assert caught.value.message == ("新.xlsx:文件已存在(刚刚由其他程序或另一次运行创建),未覆盖。"
                                    "请换一个文件名,或加 --force 覆盖。")
    assert target.read_bytes() == b"the other run"
    assert [p.name for p in tmp_path.iterdir()] == ["新.xlsx"]


def test_summary_never_writes_over_one_of_its_inputs(tmp_path, capsys):
    source = valid(tmp_path)
    before = source.read_bytes()
    for force in ([], ["--force"]):
        assert main(["summary", str(tmp_path), "-o", str(source), *force]) == 2
        assert capsys.readouterr().err == (f"无法处理:{IN}:这是要汇总的工作簿之一,汇总表不能写在它上面"
                                           "(加 --force 也不行)。请用 -o 指定其他文件名。\n")
    assert source.read_bytes() == before


def test_summary_says_what_it_found_and_why_it_left_each_out(tmp_path, capsys):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    fmt = FORMATS["2021"]
    write_workbook(fmt, inbox / "甲.XLSX", consistent_report(fmt, seed=1, agency="甲"))
    (inbox / "坏.xlsx").write_bytes(b"not a workbook")
    assert main(["summary", str(inbox), "-o", str(tmp_path / "汇总.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "未纳入汇总:坏.xlsx:坏.xlsx:这是无法识别的文件,不是 .xlsx 工作簿。" in err
    assert "(找到 2 个文件,1 个纳入汇总,1 个未纳入)" in err


SPOOF = "\u202e\u200b"


def test_control_characters_never_reach_the_terminal(tmp_path, capsys):
    source = valid(tmp_path, name="报\x1b[31m告.xlsx")
    code = main(["check", str(source)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "\x1b" not in out + err and "报\\u001b[31m告.xlsx:检查通过" in out


def test_bidi_overrides_never_reach_the_page_or_the_file_name(tmp_path, capsys):
    source = valid(tmp_path, agency=f"示例{SPOOF}县")
    assert main(["check", str(source)]) == 0
    assert main([str(source), "--html"]) == 0
    out, err = capsys.readouterr()
    assert not set(SPOOF) & set(out + err)
    made = [p for p in tmp_path.iterdir() if p.suffix in (".docx", ".html")]
    assert sorted(p.name for p in made) == ["示例县2024年政府信息公开工作年度报告.docx",
                                            "示例县2024年政府信息公开工作年度报告.html"]
    page = next(p for p in made if p.suffix == ".html").read_text(encoding="utf-8")
    assert not set(SPOOF) & set(page) and "示例县" in page

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
    page.write_text(page.read_text(encoding="utf-8").replace("<h1 style=\"text-align:center\">", "<h1 style=\"text-align:center\">改:"), encoding="utf-8")
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


# ----------------------------------------------- 6. a mistake is said as what it is

def test_a_template_making_a_lone_surrogate_fails_the_check_not_the_build(tmp_path):
    import openpyxl

    source = valid(tmp_path)
    wb = openpyxl.load_workbook(source)
    wb["五、问题及改进"]["B7"] = '本年{{ "\\ud800" }}'
    wb.save(source)
    result = api.check(source)
    assert [(f.rule, f.message) for f in result.findings if f.rule == "J1"] == [
        ("J1", "五、问题及改进!B7 模板无法计算:生成了无法写入文档的字符(U+D800),请检查模板")]


def test_a_gbk_template_file_is_told_in_chinese(tmp_path, capsys):
    templates = tmp_path / "模板"
    (templates / "narrative").mkdir(parents=True)
    (templates / "narrative" / "applications_summary.j2").write_bytes("本年{{ 年度 }}。".encode("gbk"))
    assert main([str(valid(tmp_path)), "-o", str(tmp_path / "报告.docx"),
                 "--templates", str(templates)]) == 2
    err = capsys.readouterr().err
    assert "applications_summary.j2 不是 UTF-8 编码(可能是 GBK)。请用记事本打开,“另存为”时把编码选为 UTF-8 后再试" in err
    assert not (tmp_path / "报告.docx").exists()


def test_running_out_of_memory_is_not_called_damage(tmp_path, monkeypatch, capsys):
    from make_report.readers import sheetxml

    def no_memory(self, *args):
        raise MemoryError

    monkeypatch.setattr(sheetxml.Workbook, "__init__", no_memory)
    assert main(["check", str(valid(tmp_path))]) == 2
    assert capsys.readouterr().err == (f"无法处理:{IN}:内存不足,无法读取该工作簿。"
                                       "请关闭其他程序后再试。\n")


def test_a_full_disk_while_writing_the_page_leaves_the_old_set(tmp_path, monkeypatch, capsys):
    import errno
    from pathlib import Path

    source, out = valid(tmp_path), tmp_path / "报告.docx"
    assert main([str(source), "-o", str(out), "--html"]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    write_text = Path.write_text

    def full(self, *args, **kwargs):
        if self.name.endswith(".html.tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    capsys.readouterr()
    assert main([str(source), "-o", str(out), "--html"]) == 2
    out_, err = capsys.readouterr()
    assert err == ("无法处理:报告.html:未能写入,磁盘空间不足。原有的同名文件(如有)保持不变,"
                   "也没有留下不完整的文件。请清理磁盘空间,或用 -o 换一个位置后再试。\n")
    assert "Traceback" not in out_ + err and "Exception ignored" not in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.fixture
def full_disk(tmp_path):
    """An 8 KB file system: big enough for a folder, too small for any output."""
    import shutil
    import subprocess

    place = tmp_path / "满"
    place.mkdir()
    if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(place)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield place
    finally:
        subprocess.run(["umount", str(place)], check=False)


def test_a_full_disk_is_one_sentence_for_every_command(tmp_path, full_disk):
    import contextlib
    import os
    import subprocess
    import sys

    source = valid(tmp_path)
    api.build(source, tmp_path / "报告.docx", html=True)
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / IN).write_bytes(source.read_bytes())
    published = tmp_path / "已发布"
    published.mkdir()
    (published / "报告.docx").write_bytes((tmp_path / "报告.docx").read_bytes())
    with contextlib.suppress(OSError), (full_disk / "填充").open("wb", buffering=0) as filler:
        while True:  # fill the disk to the last byte
            filler.write(b"x" * 512)
    runs = [["template", "-o", full_disk / "新.xlsx", "--year", "2024"],
            ["template", "--docx", "-o", full_disk / "新.docx"],
            ["import", tmp_path / "报告.html", "-o", full_disk / "导入.xlsx"],
            ["export", source, "-o", full_disk / "数据.json"],
            [source, "-o", full_disk / "报告.docx", "--html"],
            ["summary", inbox, "-o", full_disk / "汇总.xlsx"],
            ["audit", published, "-o", full_disk / "审核.xlsx", "--html"],
            ["batch", inbox, "-o", full_disk / "输出"]]
    cli = "import sys; from make_report.cli.main import main; sys.exit(main(sys.argv[1:]))"
    for args in runs:
        done = subprocess.run([sys.executable, "-c", cli, *map(str, args)], capture_output=True,
                              text=True, timeout=300, env={**os.environ, "COLUMNS": "400"})
        said = done.stdout + done.stderr
        assert "Traceback" not in said and "Exception ignored" not in said, said
        assert "磁盘空间不足" in said, said
        assert done.returncode in (1, 2), said
    left = [p.name for p in full_disk.rglob("*") if p.is_file()]
    assert set(left) <= {"batch-report.json", "填充"}, left


def test_an_output_folder_that_is_a_file_is_named_as_such(tmp_path, capsys):
    (tmp_path / "输出").write_text("x", encoding="utf-8")
    target = tmp_path / "输出" / "报告.docx"
    assert main([str(valid(tmp_path)), "-o", str(target)]) == 2
    assert capsys.readouterr().err == (f"无法处理:{target}:“{tmp_path / '输出'}”是一个文件,不是文件夹,"
                                       "不能在其中保存输出。请用 -o 换一个位置。\n")


@pytest.mark.parametrize("command", ["template", "template --docx", "export", "import", "summary",
                                     "audit"])
def test_an_output_folder_that_is_a_file_is_named_as_such_by_every_command(
        tmp_path, capsys, command):
    source = valid(tmp_path)
    api.build(source, tmp_path / "报告.docx")
    inbox, published = tmp_path / "收件", tmp_path / "已发布"
    inbox.mkdir()
    published.mkdir()
    (inbox / IN).write_bytes(source.read_bytes())
    (published / "报告.docx").write_bytes((tmp_path / "报告.docx").read_bytes())
    (tmp_path / "输出").write_text("x", encoding="utf-8")
    taken = tmp_path / "输出"
    args = {"template": ["template", "-o", f"{taken}/新.xlsx", "--year", "2024"],
            "template --docx": ["template", "--docx", "-o", f"{taken}/新.docx"],
            "export": ["export", str(source), "-o", f"{taken}/数据.json"],
            "import": ["import", str(tmp_path / "报告.docx"), "-o", f"{taken}/导入.xlsx"],
            "summary": ["summary", str(inbox), "-o", f"{taken}/汇总.xlsx"],
            "audit": ["audit", str(published), "-o", f"{taken}/审核.xlsx"]}[command]
    capsys.readouterr()
    assert main(args) == 2
    assert capsys.readouterr().err == (f"无法处理:{args[-1] if command != 'template' else args[2]}:"
                                       f"“{taken}”是一个文件,不是文件夹,不能在其中保存输出。"
                                       "请用 -o 换一个位置。\n")
    assert taken.read_text(encoding="utf-8") == "x"


MEMORY = "内存不足,未能完成。请关闭其他程序后再试"


@pytest.mark.parametrize("surface", ["import", "--reference-docx", "--docx-template", "audit"])
def test_running_out_of_memory_is_never_called_damage_anywhere(tmp_path, monkeypatch, capsys,
                                                                surface):
    import docx

    from make_report.importer import source as importer_source

    source = valid(tmp_path)
    api.build(source, tmp_path / "报告.docx")
    published = tmp_path / "已发布"
    published.mkdir()
    (published / "报告.docx").write_bytes((tmp_path / "报告.docx").read_bytes())

    def no_memory(*args, **kwargs):
        raise MemoryError

    if surface in ("import", "audit"):
        monkeypatch.setattr(importer_source, "docx_lines", no_memory)
    else:
        monkeypatch.setattr(docx, "Document", no_memory)
    args = {"import": ["import", str(tmp_path / "报告.docx"), "-o", str(tmp_path / "新.xlsx")],
            "--reference-docx": [str(source), "-o", str(tmp_path / "新.docx"),
                                 "--reference-docx", str(tmp_path / "报告.docx")],
            "--docx-template": [str(source), "-o", str(tmp_path / "新.docx"),
                                "--docx-template", str(tmp_path / "报告.docx")],
            "audit": ["audit", str(published), "-o", str(tmp_path / "审核.xlsx")]}[surface]
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    assert code == (1 if surface == "audit" else 2), out + err
    assert MEMORY in (out + err).replace("\n", "").replace("│", "").replace(" ", "")
    assert "损坏" not in out + err and "内部错误" not in out + err

"""The command line speaks Chinese throughout: help, placeholders, a mistyped command, and a
long finding that wraps in an 80-column terminal instead of being cut."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata

import pytest

from make_report import api
from make_report.cli.main import command_names, main
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook

ENGLISH = re.compile(r"Usage|Options|Arguments|Commands|Show this|required|default:|"
                     r"\b[A-Z]{3,}\b")
"""click's headings and words, and upper-case placeholders such as WORKBOOK, PATH, TEXT."""


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def help_of(args: list[str], capsys) -> str:
    assert main([*args, "--help"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_main_help_is_chinese(capsys):
    out = help_of([], capsys)
    assert out.startswith("用法: make-report [选项] 命令 [参数]...")
    for heading in ("选项:", "命令:", "显示本帮助并退出。"):
        assert heading in out
    assert not ENGLISH.search(out.replace("make-report", "").replace("JSON", "")
                              .replace("Word", "")), out


@pytest.mark.parametrize("name", command_names())
def test_every_command_help_is_chinese(name, capsys):
    out = help_of([name], capsys)
    assert out.startswith(f"用法: make-report {name} [选项]")
    assert "选项:" in out and "显示本帮助并退出。" in out
    # names of formats and programs may stay as they are; nothing else in English
    text = re.sub(r"JSON|Word|LibreOffice|PDF|HTTPS?|CPU|SQLite|\.(xlsx|docx|json|html|txt|htm)"
                  r"|--?[\w-]+",
                  "", out.replace("make-report", ""))
    assert not ENGLISH.search(text), out


def test_placeholders_name_what_to_type(capsys):
    out = help_of(["build"], capsys)
    assert "用法: make-report build [选项] 工作簿" in out
    assert "参数:\n  工作簿  填写好的工作簿 .xlsx  [必填]" in out
    assert re.search(r"-o, --output 文件 +输出的 \.docx", out)
    assert re.search(r"--format 年份 +强制使用的格式", out)
    assert "--year 年度" in help_of(["template"], capsys)
    assert "-j, --jobs 数量" in help_of(["batch"], capsys)


def test_help_columns_line_up_with_chinese_placeholders(capsys):
    out = help_of(["build"], capsys)
    starts = {width(line[: line.index(desc)]) for line in out.splitlines()
              for desc in ("输出的", "有错误也生成", "使用该 Word") if desc in line}
    assert len(starts) == 1, out


def test_mistyped_command_gets_a_suggestion(capsys):
    assert main(["chek", "a.xlsx"]) == 2
    _out, err = capsys.readouterr()
    assert err.strip() == "没有 chek 命令,您是否想用 check?"
    assert main(["biuld", "a.xlsx"]) == 2
    assert "您是否想用 build?" in capsys.readouterr().err


def test_usage_errors_name_the_argument_in_chinese(capsys):
    assert main(["build"]) == 2
    assert "命令缺少“工作簿”" in capsys.readouterr().err
    assert main(["batch"]) == 2
    assert "命令缺少“文件夹”" in capsys.readouterr().err


def test_a_workbook_named_like_a_command_is_still_built(tmp_path, capsys, monkeypatch):
    report = consistent_report(FORMATS["2021"], seed=3, agency="某镇人民政府")
    write_workbook(report.format, tmp_path / "chek.xlsx", report)
    monkeypatch.chdir(tmp_path)
    assert main(["chek.xlsx", "-o", str(tmp_path / "out.docx")]) == 0
    assert (tmp_path / "out.docx").exists()


def test_a_long_finding_wraps_in_80_columns(tmp_path, capsys, monkeypatch):
    report = consistent_report(FORMATS["2021"], seed=5, agency="某镇人民政府")
    report.values["applications.new_received.0"] += 7  # the total no longer adds up
    path = tmp_path / "wb.xlsx"
    write_workbook(report.format, path, report)
    messages = [f.message for f in api.check(path).findings]
    assert max(width(m) for m in messages) > 80  # one alone is wider than the terminal
    monkeypatch.setenv("COLUMNS", "80")
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert all(width(line) <= 80 for line in out.splitlines()), out
    assert "…" not in out
    flat = re.sub(r"[\s│┃║]+", "", out)
    for message in messages:
        assert re.sub(r"\s+", "", message) in flat


def test_no_validation_framework_is_imported_to_parse_options(tmp_path):
    code = ("import sys\nfrom make_report.cli.main import main\n"
            "main(['check', '--help'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'pydantic', 'docx', 'openpyxl', 'jinja2'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_wrapping_never_loses_or_cuts_text():
    from make_report.cli.console import wrap

    text = ("三、依申请公开!J31 " + "/很长的/路径/" * 9 + "x" * 70 + " 应为 6(各项之和),实为 0\n"
            "第二行 with English words")
    for columns in (8, 13, 30, 61):
        lines = wrap(text, columns)
        assert all(width(line) <= columns for line in lines), lines
        assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", text)

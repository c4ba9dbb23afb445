"""``make-report FILE.xlsx`` and ``check FILE.xlsx`` without typer (cli/entry.py) do exactly
what the typer command line (cli/main.py) does: the same exit code, the same words on
standard output and standard error, the same report apart from its timestamps. Every other
command line is left to typer."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from make_report.cli import entry
from make_report.cli.main import main as typer_main
from make_report.core.model import Entry
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "example_inputs" / "示例县2024_完整示例.xlsx"


def _workbook(folder: Path, name: str, **change) -> Path:
    report = consistent_report(FORMATS["2021"], seed=5, agency="某镇人民政府")
    for key, value in change.items():
        setattr(report, key, value)
    path = folder / name
    write_workbook(report.format, path, report)
    return path


@pytest.fixture
def workbooks(tmp_path) -> dict[str, Path]:
    good = _workbook(tmp_path, "好.xlsx")
    wrong = tmp_path / "错.xlsx"
    report = consistent_report(FORMATS["2021"], seed=5, agency="某镇人民政府")
    report.values["applications.granted.6"] += 7  # a sum no longer holds: errors (exit 1)
    write_workbook(report.format, wrong, report)
    broken = tmp_path / "模板.xlsx"
    report = consistent_report(FORMATS["2021"], seed=6, agency="某县")
    report.narrative = {"overview": [Entry("(一)情况", ["共{{ 依申请.没有这项 }}件", "{% for %}"])]}
    write_workbook(report.format, broken, report)
    not_xlsx = tmp_path / "表.xlsx"
    not_xlsx.write_text("a,b\n1,2\n", encoding="utf-8")
    return {"good": good, "wrong": wrong, "broken": broken, "missing": tmp_path / "无.xlsx",
            "not_xlsx": not_xlsx, "example": EXAMPLE}


def _untimed(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"(time)", zf.read(i)))
                for i in zf.infolist()]


def _both(args: list[str], capsys) -> tuple[tuple, tuple]:
    """(code, stdout, stderr) of the typer command line, then of the fast one."""
    slow = (typer_main(list(args)), *capsys.readouterr())
    assert entry.plain(args) is not None  # the fast path really runs
    fast = (entry.main(list(args)), *capsys.readouterr())
    return slow, fast


@pytest.mark.parametrize("which", ["good", "wrong", "broken", "missing", "not_xlsx", "example"])
def test_check_says_the_same_without_typer(which, workbooks, capsys):
    path = str(workbooks[which])
    for args in (["check", path], ["check", path, "--json"], ["check", "--json", path]):
        slow, fast = _both(args, capsys)
        assert fast == slow
    assert slow[0] == {"good": 0, "wrong": 1, "broken": 1, "missing": 2, "not_xlsx": 2,
                       "example": 0}[which]


@pytest.mark.parametrize("which", ["good", "wrong", "broken", "missing", "example"])
def test_build_writes_the_same_report_without_typer(which, workbooks, tmp_path, capsys):
    path = str(workbooks[which])
    a, b = tmp_path / "a" / "报告.docx", tmp_path / "b" / "报告.docx"
    a.parent.mkdir()
    b.parent.mkdir()
    for extra in ([], ["--force"]):
        code_a = typer_main([path, "-o", str(a), *extra])
        out_a, err_a = capsys.readouterr()
        fast = [path, *extra, f"--output={b}"] if extra else ["build", path, "--output", str(b)]
        assert entry.plain(fast) is not None
        code_b = entry.main(fast)
        out_b, err_b = capsys.readouterr()
        assert (code_b, out_b, err_b.replace(str(b), str(a))) == (code_a, out_a, err_a)
        assert a.exists() == b.exists()
        if a.exists():
            assert _untimed(a) == _untimed(b)


def test_build_of_a_report_edited_since_is_kept_the_same_way(workbooks, tmp_path, capsys):
    """--force over a report it did not make keeps a backup first, on both paths alike."""
    path = str(workbooks["good"])
    for name, run in (("a", typer_main), ("b", entry.main)):
        target = tmp_path / name / "报告.docx"
        target.parent.mkdir()
        docx.Document().save(str(target))  # a report not made by this tool
        assert run([path, "-o", str(target), "--force"]) == 0
    out = capsys.readouterr()
    assert out.err.count("已先另存为") == 2


@pytest.mark.parametrize("args", [
    [], ["--help"], ["--version"], ["build"], ["check"], ["--force", "a.xlsx"],
    ["a.xlsx", "--html"], ["a.xlsx", "-o"], ["a.xlsx", "-o", "--force"], ["a.xlsx", "-o="],
    ["a.xlsx", "--output="], ["a.xlsx", "--force", "--force"], ["a.xlsx", "-o", "x", "-o", "y"],
    ["a.xlsx", "b.xlsx"], ["chek", "a.xlsx"], ["workbook"], ["batch", "folder"],
    ["check", "a.xlsx", "--force"], ["check", "a.xlsx", "--previous", "b.xlsx"],
    ["a.xlsx", "--json"], ["a.xlsx", "-ox.docx"], ["a.xlsx", "--"], ["a.xlsx", "-"],
    ["summary", "d", "-o", "s.xlsx"], ["a.xlsx", ""], ["a.xlsx", "--unsealed"],
])
def test_every_other_command_line_is_typers(args):
    assert entry.plain(args) is None


def test_plain_forms_are_read_as_typer_reads_them():
    assert entry.plain(["a.xlsx"]) == ("build", Path("a.xlsx"), {})
    assert entry.plain(["build", "./a.xlsx", "--force", "-o", "r.docx"]) == (
        "build", Path("a.xlsx"), {"force": True, "output": Path("r.docx")})
    assert entry.plain(["a.xlsx", "--output=r.docx"]) == (
        "build", Path("a.xlsx"), {"output": Path("r.docx")})
    assert entry.plain(["check", "a.json", "--json"]) == ("check", Path("a.json"),
                                                          {"as_json": True})


def test_the_main_job_does_not_load_typer(workbooks, tmp_path):
    code = ("import sys; from make_report.cli.entry import main; "
            f"code = main([{str(workbooks['good'])!r}, '-o', {str(tmp_path / 'r.docx')!r}]); "
            "main(['check', sys.argv[1]]); print(code, 'typer' in sys.modules, "
            "'click' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(workbooks["good"])],
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 False False"
    assert (tmp_path / "r.docx").exists()

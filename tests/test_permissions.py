"""Permission denied, as a clerk on a shared office computer meets it: every command run
as an unprivileged user on files and folders it may not read or write says so in one
Chinese sentence naming the file (没有权限), exits 2 or records that file, and never says
“值无效” or 程序内部错误.

Root reads everything, so the commands run in a child that drops to the user ``nobody``
(uid 65534); the tests skip, saying why, only where the child cannot drop its privileges
or cannot then read this checkout. All the runs share one child (starting Python per
command would be slow); each case is its own test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from make_report import api
from test_bad_inputs import valid

NOBODY = 65534
RUNNER = """
import contextlib, io, json, sys
from make_report.cli.main import main
said = []
for args in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    said.append([code, out.getvalue() + err.getvalue()])
print(json.dumps(said))
"""


def _lowered() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _child(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Python run as ``nobody`` if this is root: through util-linux's setpriv where it is
    installed (it finds the interpreter before giving up root, wherever it lives), else
    by dropping the ids before the interpreter starts."""
    argv, preexec = [sys.executable, *args], None
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv:
            argv = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
        else:
            preexec = _lowered
    return subprocess.run(argv, preexec_fn=preexec, capture_output=True, text=True,
                          env={**os.environ, "HOME": "/nonexistent", "COLUMNS": "400"}, **kwargs)


def as_user(*runs: list[str | Path]) -> list[tuple[int, str]]:
    """Run each command line (in one child, as ``nobody`` when this is root)."""
    done = _child(["-c", RUNNER, json.dumps([[str(a) for a in run] for run in runs])],
                  timeout=600)
    assert done.returncode == 0, done.stderr
    return [tuple(r) for r in json.loads(done.stdout)]


@pytest.fixture(scope="module")
def place():
    """A folder the unprivileged user may enter, with files it may and may not read."""
    root = Path(tempfile.mkdtemp(prefix="make-report-perm-"))
    root.chmod(0o755)
    try:
        probe = root / "probe.txt"
        probe.write_text("x")
        probe.chmod(0o600)
        try:
            done = _child(["-c", "import make_report.cli.main, openpyxl, lxml\n"
                                 f"open({str(probe)!r})"], timeout=120)
        except (OSError, subprocess.SubprocessError) as exc:  # setuid refused, no interpreter
            pytest.skip(f"cannot run Python as an unprivileged user here: {exc}")
        if "PermissionError" not in done.stderr and done.returncode != 0:
            pytest.skip(f"an unprivileged user cannot run this checkout: {done.stderr[-300:]}")
        if "PermissionError" not in done.stderr:
            pytest.skip("permissions do not stop this user reading (privileges not dropped)")
        yield _fill(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _fill(root: Path) -> Path:
    def secret(path: Path) -> Path:
        path.chmod(0o600)
        return path

    good = valid(root, "可读.xlsx")
    api.build(good, root / "可读.docx", html=True)
    api.export_to(good, root / "可读.json")
    for name in ("可读.xlsx", "可读.docx", "可读.html", "可读.json"):
        (root / name).chmod(0o644)
        shutil.copy(root / name, root / name.replace("可读", "锁定"))
        secret(root / name.replace("可读", "锁定"))
    for name, mode in (("只读", 0o555), ("禁入", 0o700), ("可写", 0o777)):
        (root / name).mkdir()
        (root / name).chmod(mode)
    templates = root / "模板禁入"
    shutil.copytree(api_templates(), templates / "narrative")
    templates.chmod(0o700)
    one = root / "模板一个锁定"
    shutil.copytree(api_templates(), one / "narrative")
    for path in [one, *one.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    secret(one / "narrative" / "applications_summary.j2")
    inbox = root / "收件"
    (inbox / "锁定的文件夹").mkdir(parents=True)
    for name in ("甲.xlsx", "锁定的文件夹/丙.xlsx"):
        shutil.copy(good, inbox / name)
        (inbox / name).chmod(0o644)
    shutil.copy(good, inbox / "乙.xlsx")
    secret(inbox / "乙.xlsx")
    closed = root / "只读收件"
    closed.mkdir()
    shutil.copy(good, closed / "甲.xlsx")
    (closed / "甲.xlsx").chmod(0o644)
    closed.chmod(0o555)
    (inbox / "锁定的文件夹").chmod(0o700)
    inbox.chmod(0o755)
    published = root / "已发布"
    (published / "锁定的文件夹").mkdir(parents=True)
    for name in ("甲.docx", "乙.docx", "锁定的文件夹/丙.docx"):
        shutil.copy(root / "可读.docx", published / name)
        (published / name).chmod(0o644)
    secret(published / "乙.docx")
    (published / "锁定的文件夹").chmod(0o700)
    published.chmod(0o755)
    return root


def api_templates() -> Path:
    from make_report.narrative.render import template_dir

    return template_dir(None) / "narrative"


R = "{root}"
CASES: dict[str, tuple[list[str], str]] = {
    # reading: (command line, the file the sentence must name)
    "check a workbook": (["check", f"{R}/锁定.xlsx"], "锁定.xlsx:无法读取该文件,没有权限读取"),
    "check interchange JSON": (["check", f"{R}/锁定.json"], "锁定.json:无法读取该文件,没有权限读取"),
    "check a published .docx": (["check", f"{R}/锁定.docx"], "锁定.docx:无法读取该文件,没有权限读取"),
    "check a published .html": (["check", f"{R}/锁定.html"], "锁定.html:无法读取该文件,没有权限读取"),
    "check in a folder not to be opened": (["check", f"{R}/禁入/某.xlsx"], "某.xlsx:无法读取该文件,没有权限读取"),
    "check --previous": (["check", f"{R}/可读.xlsx", "--previous", f"{R}/锁定.xlsx"],
                         "锁定.xlsx:无法读取该文件,没有权限读取"),
    "check --docx-template": (["check", f"{R}/可读.xlsx", "--docx-template", f"{R}/锁定.docx"],
                              "锁定.docx:无法读取该文件,没有权限读取"),
    "build": (["build", f"{R}/锁定.xlsx", "-o", f"{R}/可写/a.docx"], "锁定.xlsx:无法读取该文件,没有权限读取"),
    "build --reference-docx": ([f"{R}/可读.xlsx", "-o", f"{R}/可写/b.docx", "--reference-docx",
                                f"{R}/锁定.docx"], "--reference-docx 锁定.docx:无法读取该文件,没有权限读取"),
    "build --templates folder": ([f"{R}/可读.xlsx", "-o", f"{R}/可写/c.docx", "--templates",
                                  f"{R}/模板禁入"], "模板目录“{root}/模板禁入”无法打开(没有权限读取)"),
    "build --templates file": ([f"{R}/可读.xlsx", "-o", f"{R}/可写/d.docx", "--templates",
                                f"{R}/模板一个锁定"],
                               "叙述模板 {root}/模板一个锁定/narrative/applications_summary.j2 无法读取(没有权限读取)"),
    "template --data": (["template", "-o", f"{R}/可写/t.xlsx", "--data", f"{R}/锁定.json"],
                        "锁定.json:无法读取该文件,没有权限读取"),
    "template --from": (["template", "-o", f"{R}/可写/t.xlsx", "--from", f"{R}/锁定.docx"],
                        "锁定.docx:无法读取该文件,没有权限读取"),
    "export": (["export", f"{R}/锁定.xlsx"], "锁定.xlsx:无法读取该文件,没有权限读取"),
    "import": (["import", f"{R}/锁定.docx", "-o", f"{R}/可写/i.xlsx"], "锁定.docx:无法读取该文件,没有权限读取"),
    # writing
    "build into a read-only folder": ([f"{R}/可读.xlsx", "-o", f"{R}/只读/a.docx", "--html"],
                                      "{root}/只读/a.docx:输出文件夹“{root}/只读”不可写(只读或没有权限)"),
    "build beside a workbook in a read-only folder": (
        [f"{R}/可读.xlsx"], "{root}/示例县人民政府2024年政府信息公开工作年度报告.docx:"
                            "输出文件夹“{root}”不可写(只读或没有权限)"),
    "build into a folder not to be opened": ([f"{R}/可读.xlsx", "-o", f"{R}/禁入/a.docx"],
                                             "{root}/禁入/a.docx:无法打开输出文件夹“{root}/禁入”(没有权限)"),
    "template": (["template", "-o", f"{R}/只读/t.xlsx", "--year", "2024"],
                 "{root}/只读/t.xlsx:输出文件夹“{root}/只读”不可写(只读或没有权限)"),
    "template --docx": (["template", "--docx", "-o", f"{R}/只读/t.docx"],
                        "{root}/只读/t.docx:输出文件夹“{root}/只读”不可写(只读或没有权限)"),
    "export -o": (["export", f"{R}/可读.xlsx", "-o", f"{R}/只读/e.json"],
                  "{root}/只读/e.json:输出文件夹“{root}/只读”不可写(只读或没有权限)"),
    "import -o": (["import", f"{R}/可读.docx", "-o", f"{R}/只读/i.xlsx"],
                  "{root}/只读/i.xlsx:输出文件夹“{root}/只读”不可写(只读或没有权限)"),
    "summary -o": (["summary", f"{R}/收件", "-o", f"{R}/只读/s.xlsx"],
                   "{root}/只读/s.xlsx:输出文件夹“{root}/只读”不可写(只读或没有权限)"),
    "audit -o": (["audit", f"{R}/已发布", "-o", f"{R}/只读/a.xlsx", "--html"],
                 "{root}/只读/a.xlsx:输出文件夹“{root}/只读”不可写(只读或没有权限)"),
    "batch -o": (["batch", f"{R}/收件", "-o", f"{R}/只读/输出"],
                 "输出:无法创建或写入该文件夹,没有权限在所在位置写入(或该位置是只读的)"),
    "batch into a read-only folder": (["batch", f"{R}/收件", "-o", f"{R}/只读"],
                                      "{root}/只读:输出文件夹不可写(只读或没有权限)"),
    "batch beside the inbox": (["batch", f"{R}/只读收件"],
                               "报告:无法创建或写入该文件夹,没有权限在所在位置写入(或该位置是只读的)"),
}
FOLDER_RUNS = {
    "batch": ["batch", f"{R}/收件", "-o", f"{R}/可写/报告"],
    "summary": ["summary", f"{R}/收件", "-o", f"{R}/可写/汇总.xlsx"],
    "audit": ["audit", f"{R}/已发布", "-o", f"{R}/可写/审核.xlsx"],
    "batch of a folder not to be opened": ["batch", f"{R}/禁入", "-o", f"{R}/可写/报告2"],
    "audit of a folder not to be opened": ["audit", f"{R}/禁入", "-o", f"{R}/可写/审核2.xlsx"],
}


@pytest.fixture(scope="module")
def said(place):
    """What each command said, run once for all the tests below."""
    runs = {**{k: v[0] for k, v in CASES.items()}, **FOLDER_RUNS}
    shown = as_user(*([a.replace(R, str(place)) for a in args] for args in runs.values()))
    return dict(zip(runs, shown, strict=True))


def _plain(code: int, text: str) -> None:
    assert "值无效" not in text and "程序内部错误" not in text and "Traceback" not in text, text


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_permission_denied_is_said_as_such(case, said, place):
    code, text = said[case]
    _plain(code, text)
    assert code == 2, text
    expected = CASES[case][1].replace(R, str(place))
    assert f"无法处理:{expected}" in text.replace("\n", "")
    assert "没有权限" in text


def test_nothing_is_left_in_the_folders_it_may_not_write(said, place):
    assert list((place / "只读").iterdir()) == []
    assert not [p for p in place.iterdir() if p.suffix in (".docx", ".html") and
                not p.stem.startswith(("可读", "锁定"))]


@pytest.mark.parametrize("run", ["batch", "summary", "audit"])
def test_a_folder_run_records_each_file_it_may_not_read_and_does_the_rest(run, said, place):
    code, text = said[run]
    _plain(code, text)
    assert code == 1, text
    if run == "batch":
        record = json.loads((place / "可写" / "报告" / "batch-report.json").read_text("utf-8"))
        lines = {i["file"]: (i["status"], i["message"]) for i in record["items"]}
        assert lines["甲.xlsx"][0] == "built"
    elif run == "summary":
        import openpyxl

        book = openpyxl.load_workbook(place / "可写" / "汇总.xlsx")
        cells = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
        assert "乙.xlsx" in cells and "锁定的文件夹" in cells
        lines = {"乙.xlsx": ("unusable", text), "锁定的文件夹": ("unusable", text)}
    else:
        import openpyxl

        book = openpyxl.load_workbook(place / "可写" / "审核.xlsx")
        rows = {str(r[0]): r for r in book.worksheets[0].iter_rows(values_only=True)}
        lines = {"乙.docx": ("无法读取", " ".join(map(str, rows["乙.docx"]))),
                 "锁定的文件夹": ("无法读取", " ".join(map(str, rows["锁定的文件夹"])))}
        assert "一致" in rows["甲.docx"]
    unread = "乙.docx" if run == "audit" else "乙.xlsx"
    assert lines[unread][0] in ("unusable", "无法读取")
    assert f"{unread}:无法读取该文件,没有权限读取" in lines[unread][1]
    assert "锁定的文件夹:无法读取该文件夹,没有权限打开该文件夹,其中的文件未处理" in lines["锁定的文件夹"][1]


@pytest.mark.parametrize("run", ["batch of a folder not to be opened",
                                 "audit of a folder not to be opened"])
def test_a_folder_it_may_not_open_is_one_line_not_nothing(run, said):
    code, text = said[run]
    _plain(code, text)
    assert code == 1, text
    assert "禁入:无法读取该文件夹,没有权限打开该文件夹" in text.replace("\n", "").replace("│", "")

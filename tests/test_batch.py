"""Batch runs for disclosure offices: isolation, the report, exit codes, interrupts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from make_report.api import batch_item
from make_report.app.batch import BatchInterrupted, BatchOptions, find_workbooks, run_batch
from make_report.cli.main import main
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook


def make_folder(root: Path, n: int = 4) -> Path:
    inbox = root / "收件"
    (inbox / "乡镇").mkdir(parents=True)
    for i in range(n):
        fmt = FORMATS["2019" if i % 3 == 2 else "2021"]
        folder = inbox / "乡镇" if i % 2 else inbox
        write_workbook(fmt, folder / f"单位{i}.xlsx", consistent_report(fmt, seed=i, agency=f"第{i}镇"))
    broken = consistent_report(FORMATS["2021"], seed=99, agency="有错镇")
    broken.values["applications.granted.6"] += 1
    write_workbook(FORMATS["2021"], inbox / "有错.xlsx", broken)
    (inbox / "乡镇" / "坏文件.xlsx").write_bytes(b"not a workbook")
    (inbox / "~$已删除的表.xlsx").write_bytes(b"lock")
    return inbox


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_builds_every_good_file_and_reports_the_rest(tmp_path, capsys, jobs):
    inbox = make_folder(tmp_path)
    out = tmp_path / "输出"
    assert main(["batch", str(inbox), "-o", str(out), "--jobs", jobs, "--html"]) == 1
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    status = {i["file"]: i["status"] for i in report["items"]}
    assert status == {"单位0.xlsx": "built", "单位2.xlsx": "built", "乡镇/单位1.xlsx": "built",
                      "乡镇/单位3.xlsx": "built", "有错.xlsx": "errors",
                      "乡镇/坏文件.xlsx": "unusable"}
    assert (report["built"], report["errors"], report["unusable"]) == (4, 1, 1)
    faulty = next(i for i in report["items"] if i["status"] == "errors")
    assert [f["rule"] for f in faulty["findings"]] == ["A1", "A2"]
    assert faulty["findings"][0]["cells"] == ["J10"]
    for name in ("单位0", "乡镇/单位1", "单位2", "乡镇/单位3"):
        assert docx.Document(out / f"{name}.docx").paragraphs[0].text.endswith("年政府信息公开工作年度报告")
        assert (out / f"{name}.html").exists()
    assert not (out / "有错.docx").exists()
    shown = capsys.readouterr().err
    assert "共 6 个:已生成 4,有错误 1,无法读取 1" in shown


def test_lock_files_and_the_output_folder_are_skipped(tmp_path):
    inbox = make_folder(tmp_path)
    (inbox / "报告").mkdir()
    write_workbook(FORMATS["2021"], inbox / "报告" / "旧.xlsx", None)
    names = [p.name for p in find_workbooks(inbox, skip=inbox / "报告")]
    assert "~$已删除的表.xlsx" not in names and "旧.xlsx" not in names and len(names) == 6


def test_ctrl_c_returns_what_finished(tmp_path):
    inbox = make_folder(tmp_path)
    paths = find_workbooks(inbox)
    seen = []

    def stop_after_two(item):
        seen.append(item)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(BatchInterrupted) as info:
        run_batch(paths, inbox, tmp_path / "out", BatchOptions(), jobs=1, progress=stop_after_two,
                  task=batch_item)
    assert len(info.value.items) == 2


# Ctrl-C as a terminal sends it: SIGINT to the whole process group (workers too), here
# sent by the run itself once its third report is built, so nothing races the clock.
CTRL_C_AFTER_THREE = """
import os, signal, sys
from make_report.app import batch
from make_report.cli.main import main

real = batch.run_batch

def run_batch(*args, progress=None, **kwargs):
    built = []

    def watch(item):
        progress(item)
        built.extend([item] if item.status == "built" else [])
        if len(built) == 3:
            os.killpg(0, signal.SIGINT)

    return real(*args, progress=watch, **kwargs)

batch.run_batch = run_batch
sys.exit(main(sys.argv[1:]))
"""


def test_sigint_leaves_no_partial_files(tmp_path):
    inbox = make_folder(tmp_path, n=30)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", CTRL_C_AFTER_THREE, "batch", str(inbox),
                           "-o", str(out), "--jobs", "2"],
                          capture_output=True, start_new_session=True)
    text = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, text
    assert "已中断" in text and "Traceback" not in text
    assert [p for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"] == []
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert report["interrupted"] is True
    built = {i["file"] for i in report["items"] if i["status"] == "built"}
    for path in out.rglob("*.docx"):
        docx.Document(path)  # every file left behind is whole
    assert len(built) >= 3


def test_batch_is_a_verb_of_the_api(tmp_path):
    """The Python API runs a whole folder as the command line does, without a console."""
    from make_report import api
    from make_report.core.errors import InputError

    inbox = make_folder(tmp_path, n=2)
    seen = []
    run = api.batch(inbox, jobs=1, progress=lambda total, item: seen.append((total, item)))
    assert run.report == inbox / "报告" / "batch-report.json" and run.report.exists()
    assert sorted(i.status for i in run.items) == ["built", "built", "errors", "unusable"]
    assert seen[0] == (4, None) and len(seen) == 5  # the lock file is no input
    assert (run.interrupted, run.exit_code) == (False, 1)
    with pytest.raises(InputError, match="文件夹不存在"):
        api.batch(tmp_path / "没有")

"""Batch and summary runs survive their inputs and their workers: a worker that dies or
hangs costs only its file, Ctrl-C never loses the record, no file is left out unsaid."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from make_report.api import batch_item as build_one
from make_report.app.batch import (
    BatchInterrupted,
    BatchItem,
    BatchOptions,
    find_inputs,
    max_jobs,
    run_batch,
)
from make_report.cli.main import main
from make_report.core.synthetic import consistent_report
from make_report.formats import FORMATS
from make_report.writers.xlsx_template import write_workbook
from test_batch import make_folder


def dies_or_hangs(path: Path, root: Path, outdir: Path, options: BatchOptions) -> BatchItem:
    """A worker task: 杀.xlsx kills its worker as the kernel would, 卡.xlsx never ends."""
    if path.stem == "杀":
        os.kill(os.getpid(), signal.SIGKILL)
    if path.stem == "卡":
        while True:
            time.sleep(1)
    if path.stem == "崩":
        raise SystemExit(3)
    return build_one(path, root, outdir, options)


def folder_with(tmp_path: Path, *stems: str) -> Path:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    fmt = FORMATS["2021"]
    for stem in ("甲", *stems, "乙"):
        write_workbook(fmt, inbox / f"{stem}.xlsx", consistent_report(fmt, seed=3, agency=stem))
    return inbox


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_killed_or_hung_worker_costs_only_its_file(tmp_path, jobs):
    inbox = folder_with(tmp_path, "杀", "卡", "崩")
    paths, _ = find_inputs(inbox)
    items = run_batch(paths, inbox, tmp_path / "out", BatchOptions(), jobs, timeout=5,
                      task=dies_or_hangs)
    status = {i.file: i.status for i in items}
    assert status == {"甲.xlsx": "built", "乙.xlsx": "built", "杀.xlsx": "unusable",
                      "卡.xlsx": "timeout", "崩.xlsx": "unusable"}
    messages = {i.file: i.message for i in items}
    assert messages["杀.xlsx"].startswith("杀.xlsx:处理该文件时工作进程意外终止(可能是内存不足)")
    assert messages["崩.xlsx"].startswith("崩.xlsx:处理该文件时工作进程意外终止(程序意外退出)")
    assert messages["卡.xlsx"].startswith("卡.xlsx:处理时间过长,已停止处理该文件")
    assert [p.name for p in (tmp_path / "out").iterdir()] and not [
        p for p in (tmp_path / "out").rglob("*") if p.suffix == ".tmp"]


def test_jobs_are_capped_by_the_machine(tmp_path, capsys):
    inbox = folder_with(tmp_path)
    assert main(["batch", str(inbox), "-o", str(tmp_path / "out"), "--jobs", "100000"]) == 0
    assert f"--jobs 100000 超过本机可用的核心数,改用 {max_jobs()} 个进程。" in capsys.readouterr().err


def test_ctrl_c_in_progress_keeps_every_finished_item(tmp_path):
    inbox = folder_with(tmp_path, "丙", "丁")
    paths, _ = find_inputs(inbox)
    seen: list[BatchItem] = []

    def stop_after_one(item: BatchItem) -> None:
        seen.append(item)
        if len(seen) == 1:
            raise KeyboardInterrupt

    with pytest.raises(BatchInterrupted) as info:
        run_batch(paths, inbox, tmp_path / "out", BatchOptions(), jobs=2, progress=stop_after_one,
                  task=build_one)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # left as it was
    # the one under way when Ctrl-C came is finished and recorded too
    assert len(info.value.items) == 2 and len(seen) == 2


def test_two_ctrl_cs_still_leave_a_complete_record(tmp_path):
    inbox = make_folder(tmp_path, n=30)
    out = tmp_path / "out"
    exe = Path(sys.executable).with_name("make-report")
    proc = subprocess.Popen([str(exe), "batch", str(inbox), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.rglob("*.docx"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    text = err.decode("utf-8")
    assert proc.returncode == 2, text
    assert "Traceback" not in text and "已中断" in text
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert report["interrupted"] is True
    assert report["files"] == 32  # every file: finished ones, and the rest as not_done
    assert {i["status"] for i in report["items"]} <= {"built", "errors", "unusable", "not_done"}
    built = {i["file"] for i in report["items"] if i["status"] == "built"}
    on_disk = {str(p.relative_to(out).with_suffix(".xlsx")) for p in out.rglob("*.docx")}
    assert on_disk <= built | {i["file"] for i in report["items"] if i["status"] == "not_done"}
    assert [p for p in out.rglob("*") if p.suffix == ".tmp"] == []


def test_upper_case_suffixes_and_a_folder_named_like_the_output_are_read(tmp_path, capsys):
    inbox = folder_with(tmp_path)
    (inbox / "甲.xlsx").rename(inbox / "甲.XLSX")
    (inbox / "乙.xlsx").rename(inbox / "乙.Xlsx")
    (inbox / "报告").mkdir()
    fmt = FORMATS["2021"]
    write_workbook(fmt, inbox / "报告" / "丙.xlsx", consistent_report(fmt, seed=3, agency="丙"))
    assert main(["batch", str(inbox), "-o", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "batch-report.json").read_text(encoding="utf-8"))
    assert sorted(i["file"] for i in report["items"]) == ["乙.Xlsx", "报告/丙.xlsx", "甲.XLSX"]


def test_a_linked_folder_is_listed_not_dropped(tmp_path, capsys):
    inbox = folder_with(tmp_path)
    (inbox / "回环").symlink_to(inbox, target_is_directory=True)
    assert main(["batch", str(inbox), "-o", str(tmp_path / "out")]) == 1
    report = json.loads((tmp_path / "out" / "batch-report.json").read_text(encoding="utf-8"))
    linked = next(i for i in report["items"] if i["file"] == "回环")
    assert linked["status"] == "unusable"
    assert linked["message"].startswith("回环:这是指向其他位置的快捷方式(符号链接),未进入读取。")


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: permissions do not stop reading")
def test_an_unreadable_folder_is_listed_not_dropped(tmp_path):
    inbox = folder_with(tmp_path)
    (inbox / "锁").mkdir()
    (inbox / "锁").chmod(0)
    try:
        _, problems = find_inputs(inbox)
    finally:
        (inbox / "锁").chmod(0o755)
    assert [(p.file, p.status) for p in problems] == [("锁", "unusable")]
    assert "无法读取该文件夹" in problems[0].message


def test_an_output_folder_name_taken_by_a_file(tmp_path, capsys):
    inbox = folder_with(tmp_path)
    (tmp_path / "out").write_text("x", encoding="utf-8")
    assert main(["batch", str(inbox), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (f"无法处理:{tmp_path / 'out'}:已有同名的文件,不能用作输出文件夹。"
                                       "请用 -o 指定其他文件夹。\n")


def test_an_output_subfolder_name_taken_by_a_file_costs_only_its_files(tmp_path):
    """Once “操作系统错误代码 17”."""
    inbox = folder_with(tmp_path)
    (inbox / "乡镇").mkdir()
    (inbox / "甲.xlsx").rename(inbox / "乡镇" / "甲.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    (out / "乡镇").write_text("x", encoding="utf-8")
    assert main(["batch", str(inbox), "-o", str(out)]) == 1
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    lines = {i["file"]: (i["status"], i["message"]) for i in report["items"]}
    assert lines["乙.xlsx"][0] == "built"
    assert lines["乡镇/甲.xlsx"] == ("unusable",
                                    "乡镇:操作失败,这里已有同名的文件,不能再建同名的文件夹。")

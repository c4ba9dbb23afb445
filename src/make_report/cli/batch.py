"""What a disclosure office sees of a batch: a progress bar, a table, a JSON report.

File names, agency names and messages come from the workbooks: they reach rich as
``Text``, never as markup, so ``报告[b].xlsx`` shows as typed.
"""

from __future__ import annotations

import os
from pathlib import Path

from make_report.app.batch import (
    BatchInterrupted,
    BatchItem,
    BatchOptions,
    find_inputs,
    hold_interrupts,
    max_jobs,
    release_interrupts,
    run_batch,
    write_report,
)
from make_report.cli.console import make_console, shown
from make_report.core.errors import InputError

STATUS_ZH = {"built": "已生成", "errors": "有错误", "unusable": "无法读取", "timeout": "超时",
             "not_done": "未处理"}
STATUS_STYLE = {"built": "green", "errors": "red", "unusable": "red", "timeout": "red",
                "not_done": "yellow"}


def run(folder: Path, outdir: Path | None, jobs: int | None, html: bool, force: bool) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    from make_report import api

    if not folder.is_dir():
        raise InputError(f"{folder}:文件夹不存在。")
    outdir = outdir or folder / "报告"
    if not outdir.parent.is_dir():
        raise InputError(f"{outdir}:上级文件夹“{outdir.parent}”不存在。")
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"{outdir}:已有同名的文件,不能用作输出文件夹。请用 -o 指定其他文件夹。")
    paths, problems = find_inputs(folder, skip=outdir)
    if not paths and not problems:
        raise InputError(f"{folder}:文件夹中没有 .xlsx 工作簿。")
    try:
        outdir.mkdir(exist_ok=True)
    except OSError as exc:
        from make_report.core.errors import folder_error

        raise folder_error(outdir, exc, writing=True) from None
    if not os.access(outdir, os.W_OK | os.X_OK):  # before any work, not at the record
        raise InputError(f"{outdir}:输出文件夹不可写(只读或没有权限),请用 -o 换一个位置。")
    console = make_console(stderr=True)
    if jobs is not None and jobs > max_jobs():
        console.print(Text(f"--jobs {jobs} 超过本机可用的核心数,改用 {max_jobs()} 个进程。",
                           style="yellow"))
    options = BatchOptions(html=html, force=force)
    interrupted = False
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("生成报告", total=len(paths))
        try:
            items = run_batch(paths, folder, outdir, options, jobs, task=api.batch_item,
                              progress=lambda _item: bar.advance(task), hold_on_interrupt=True)
        except (BatchInterrupted, KeyboardInterrupt) as exc:
            hold_interrupts()  # the record is written whole, however often Ctrl-C is pressed
            items, interrupted = getattr(exc, "items", []), True
    finished = {i.file for i in items}
    not_done = [n for n in (str(p.relative_to(folder)) for p in paths) if n not in finished]
    items = items + problems
    report = write_report(items, outdir, interrupted, not_done if interrupted else None)
    show(items, console)
    if interrupted:
        console.print(shown(f"已中断:完成 {len(finished)} 个,其余 {len(not_done)} 个未处理;"
                            f"结果见 {report}", style="yellow"))
        release_interrupts()
        return 2
    console.print(shown(f"检查结果已写入 {report}"))
    return 0 if all(i.status == "built" for i in items) else 1


def show(items: list[BatchItem], console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for title in ("文件", "状态", "机关", "年度", "错误", "警告", "说明"):
        table.add_column(title, overflow="fold")  # wrap long names and messages, never cut
    for i in sorted(items, key=lambda i: (i.status == "built", i.file)):
        table.add_row(shown(i.file), Text(STATUS_ZH[i.status], style=STATUS_STYLE[i.status]),
                      shown(i.agency), Text(str(i.year or "")), Text(str(i.errors)),
                      Text(str(i.warnings)), shown(i.message))
    console.print(table)
    counts = {s: sum(1 for i in items if i.status == s) for s in STATUS_ZH}
    timeout = f",超时 {counts['timeout']}" if counts["timeout"] else ""
    console.print(Text(f"共 {len(items)} 个:已生成 {counts['built']},有错误 {counts['errors']},"
                       f"无法读取 {counts['unusable']}{timeout}"))

"""What a disclosure office sees of a batch: a progress bar and a table. The run itself
(the folder, the workers, batch-report.json) is the API's verb ``api.batch``.

File names, agency names and messages come from the workbooks: they reach rich as
``Text``, never as markup, so ``报告[b].xlsx`` shows as typed.
"""

from __future__ import annotations

from pathlib import Path

from make_report.app.batch import BatchItem, max_jobs, release_interrupts
from make_report.cli.console import make_console, shown

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

    console = make_console(stderr=True)
    bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                   MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True)
    task = None

    def progress(total: int, item: BatchItem | None) -> None:
        nonlocal task
        if task is None:  # shown once the folder and the output folder are known to be usable
            if jobs is not None and jobs > max_jobs():
                console.print(Text(f"--jobs {jobs} 超过本机可用的核心数,改用 {max_jobs()} 个进程。",
                                   style="yellow"))
            bar.start()
            task = bar.add_task("生成报告", total=total)
        if item is not None:
            bar.advance(task)

    try:
        run = api.batch(folder, outdir, jobs=jobs, html=html, force=force, progress=progress,
                        hold_on_interrupt=True)
    finally:
        if task is not None:
            bar.stop()
    show(run.items, console)
    if run.interrupted:
        console.print(shown(f"已中断:完成 {run.finished} 个,其余 {len(run.not_done)} 个未处理;"
                            f"结果见 {run.report}", style="yellow"))
        release_interrupts()
        return 2
    console.print(shown(f"检查结果已写入 {run.report}"))
    return run.exit_code


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

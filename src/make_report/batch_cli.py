"""What a disclosure office sees of a batch: a progress bar, a table, a JSON report."""

from __future__ import annotations

import sys
from pathlib import Path

from make_report.batch import (
    BatchInterrupted,
    BatchItem,
    BatchOptions,
    find_workbooks,
    run_batch,
    write_report,
)
from make_report.errors import InputError

STATUS_ZH = {"built": "[green]已生成[/]", "errors": "[red]有错误[/]", "unusable": "[red]无法读取[/]"}


def run(folder: Path, outdir: Path | None, jobs: int | None, html: bool, force: bool) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    if not folder.is_dir():
        raise InputError(f"{folder}:文件夹不存在。")
    outdir = outdir or folder / "报告"
    if not outdir.parent.is_dir():
        raise InputError(f"{outdir}:上级文件夹“{outdir.parent}”不存在。")
    outdir.mkdir(exist_ok=True)
    paths = find_workbooks(folder, skip=outdir)
    if not paths:
        raise InputError(f"{folder}:文件夹中没有 .xlsx 工作簿。")
    console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
    options = BatchOptions(html=html, force=force)
    interrupted = False
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("生成报告", total=len(paths))
        try:
            items = run_batch(paths, folder, outdir, options, jobs,
                              progress=lambda _item: bar.advance(task))
        except (BatchInterrupted, KeyboardInterrupt) as exc:
            items, interrupted = getattr(exc, "items", []), True
    report = write_report(items, outdir, interrupted)
    show(items, console)
    if interrupted:
        console.print(f"[yellow]已中断:完成 {len(items)} 个,其余 {len(paths) - len(items)} 个未处理;"
                      f"已完成的结果见 {report}[/]")
        return 2
    console.print(f"检查结果已写入 {report}")
    return 0 if all(i.status == "built" for i in items) else 1


def show(items: list[BatchItem], console) -> None:
    from rich.table import Table

    table = Table(header_style="bold")
    for title in ("文件", "状态", "机关", "年度", "错误", "警告", "说明"):
        table.add_column(title)
    for i in sorted(items, key=lambda i: (i.status == "built", i.file)):
        table.add_row(i.file, STATUS_ZH[i.status], i.agency, str(i.year or ""), str(i.errors),
                      str(i.warnings), i.message)
    console.print(table)
    counts = {s: sum(1 for i in items if i.status == s) for s in STATUS_ZH}
    console.print(f"共 {len(items)} 个:已生成 {counts['built']},有错误 {counts['errors']},"
                  f"无法读取 {counts['unusable']}")

"""What a disclosure office sees of a batch: a progress bar, a table, a JSON report.

File names, agency names and messages come from the workbooks: they reach rich as
``Text``, never as markup, so ``报告[b].xlsx`` shows as typed.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from make_report.cli.console import make_console

if TYPE_CHECKING:
    from make_report.app.batch import BatchItem

STATUS_ZH = {"built": "已生成", "errors": "有错误", "unusable": "无法读取"}
STATUS_STYLE = {"built": "green", "errors": "red", "unusable": "red"}


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
    with ExitStack() as shown:  # the bar appears once the folder is found usable

        def start(total: int) -> None:
            shown.enter_context(bar)
            bar.add_task("生成报告", total=total)

        run = api.batch(folder, outdir, jobs=jobs, html=html, force=force, on_start=start,
                        progress=lambda _item: bar.advance(bar.task_ids[0]))
    show(run.items, console)
    if run.interrupted:
        console.print(Text(f"已中断:完成 {len(run.items)} 个,其余 {run.total - len(run.items)} 个"
                           f"未处理;已完成的结果见 {run.report}", style="yellow"))
        return 2
    console.print(Text(f"检查结果已写入 {run.report}"))
    return 0 if all(i.status == "built" for i in run.items) else 1


def show(items: list[BatchItem], console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for title in ("文件", "状态", "机关", "年度", "错误", "警告", "说明"):
        table.add_column(title)
    for i in sorted(items, key=lambda i: (i.status == "built", i.file)):
        table.add_row(Text(i.file), Text(STATUS_ZH[i.status], style=STATUS_STYLE[i.status]),
                      Text(i.agency), Text(str(i.year or "")), Text(str(i.errors)),
                      Text(str(i.warnings)), Text(i.message))
    console.print(table)
    counts = {s: sum(1 for i in items if i.status == s) for s in STATUS_ZH}
    console.print(Text(f"共 {len(items)} 个:已生成 {counts['built']},有错误 {counts['errors']},"
                       f"无法读取 {counts['unusable']}"))

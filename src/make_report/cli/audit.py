"""``make-report audit DIR -o 审核结果.xlsx``: a progress bar, a table, exit 1 if any fails."""

from __future__ import annotations

from pathlib import Path

from make_report.app.audit import all_consistent
from make_report.cli.console import make_console, shown
from make_report.core.audit import CONSISTENT, INCONSISTENT, UNREADABLE, AuditItem

STYLE = {CONSISTENT: "green", INCONSISTENT: "red", UNREADABLE: "yellow"}


def run(folder: Path, output: Path, html: bool, force: bool) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from make_report import api

    console = make_console(stderr=True)
    bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                   MofNCompleteColumn(), console=console, transient=True)
    task = None

    def progress(total: int, item: AuditItem | None) -> None:
        nonlocal task
        if task is None:  # shown once the folder and outputs are known to be usable
            bar.start()
            task = bar.add_task("审核报告", total=total)
        if item is not None:
            bar.advance(task)

    try:
        items = api.audit(folder, output, html=html, force=force, progress=progress)
    finally:
        if task is not None:
            bar.stop()
    show(items, console)
    pages = f" 和 {Path(output).with_suffix('.html')}" if html else ""
    console.print(shown(f"审核结果已写入 {output}{pages}"))
    return 0 if all_consistent(items) else 1


def show(items: list[AuditItem], console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for title in ("文件", "机关", "年度", "结论", "说明"):
        table.add_column(title)
    for i in items:
        table.add_row(shown(i.file), shown(i.agency), Text(str(i.year or "")),
                      Text(i.verdict, style=STYLE.get(i.verdict, "")), shown(i.message))
    console.print(table)
    counts = {v: sum(1 for i in items if i.verdict == v) for v in STYLE}
    console.print(Text(f"共 {len(items)} 份:" + ",".join(f"{v} {n}" for v, n in counts.items())))

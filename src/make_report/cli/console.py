"""Findings shown to a clerk: a table in Chinese, errors first, then a one-line verdict.

Everything a clerk or a workbook supplies (messages quoting cells, file and agency names)
goes to rich as ``Text``, never as markup: ``报告[b].xlsx`` and ``收到[/b]申请`` print as
typed, and cannot break or restyle the output.
"""

from __future__ import annotations

import sys
from typing import Any

from make_report.core.findings import SEVERITY_ZH, Findings
from make_report.core.safe import visible

ORDER = {"error": 0, "warning": 1, "info": 2}
STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def make_console(stderr: bool = False) -> Any:
    """A console that prints text as given: no markup, emoji codes or highlighting."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False,
                   width=None if stream.isatty() else 160)


def shown(text: str, style: str = "") -> Any:
    """Text for the terminal as rich ``Text``: never markup, never a control character."""
    from rich.text import Text

    return Text(visible(text), style=style)


def print_findings(findings: Findings, name: str) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    items = sorted(findings, key=lambda f: ORDER[f.severity])
    if items:
        table = Table(show_lines=False, header_style="bold")
        table.add_column("级别", no_wrap=True)
        table.add_column("规则", no_wrap=True)
        table.add_column("位置与说明")
        for f in items:
            table.add_row(Text(SEVERITY_ZH[f.severity], style=STYLE[f.severity]),
                          Text(f.rule), shown(f.message))
        console.print(table)
    console.print(verdict(findings, name))


def print_ratios(ratios: list) -> None:
    """One line of the key ratios under the findings: 主要比率:实质公开率 50.0%(3/6);…"""
    if ratios:
        make_console().print("主要比率:" + ";".join(f"{r.name} {r.shown}" for r in ratios))


def verdict(findings: Findings, name: str) -> Any:
    """The one-line summary, as rich ``Text`` (its ``.plain`` is the sentence)."""
    from rich.text import Text

    errors, warnings = len(findings.errors), len(findings.warnings)
    name = visible(name)
    if errors:
        return Text(f"{name}:发现 {errors} 处错误、{warnings} 处警告,请改正错误后再生成报告。",
                    style="bold red")
    if warnings:
        return Text(f"{name}:没有错误,有 {warnings} 处警告,请核对。", style="yellow")
    return Text(f"{name}:检查通过,没有发现问题。", style="green")

"""Findings shown to a clerk: a table in Chinese, errors first, then a one-line verdict."""

from __future__ import annotations

import sys

from make_report.findings import SEVERITY_ZH, Findings

ORDER = {"error": 0, "warning": 1, "info": 2}
STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def print_findings(findings: Findings, name: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    items = sorted(findings, key=lambda f: ORDER[f.severity])
    if items:
        table = Table(show_lines=False, header_style="bold")
        table.add_column("级别", no_wrap=True)
        table.add_column("规则", no_wrap=True)
        table.add_column("位置与说明")
        for f in items:
            style = STYLE[f.severity]
            table.add_row(f"[{style}]{SEVERITY_ZH[f.severity]}[/]", f.rule, f.message, style=None)
        console.print(table)
    console.print(verdict(findings, name))


def verdict(findings: Findings, name: str) -> str:
    errors, warnings = len(findings.errors), len(findings.warnings)
    if errors:
        return f"[bold red]{name}:发现 {errors} 处错误、{warnings} 处警告,请改正错误后再生成报告。[/]"
    if warnings:
        return f"[yellow]{name}:没有错误,有 {warnings} 处警告,请核对。[/]"
    return f"[green]{name}:检查通过,没有发现问题。[/]"

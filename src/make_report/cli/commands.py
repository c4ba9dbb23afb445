"""The bodies of the main job's two commands, ``build`` and ``check``, without typer.

``cli/main.py`` declares them (options, help) for typer; ``cli/entry.py`` runs the same
bodies directly when the command line is one of their plain forms, so a clerk's
``make-report 工作簿.xlsx`` does not load typer and click (~60 ms of a 0.2 s run). Each
returns the exit code; what they print is the same whichever way they were called.
"""

from __future__ import annotations

import sys
from pathlib import Path


def say(text: str) -> None:
    """A line for the user on standard error, as ``typer.echo(..., err=True)`` writes it."""
    from make_report.core.safe import visible

    stream = sys.stderr
    stream.write(visible(text) + "\n")
    stream.flush()


def incomplete_sentence(name: str, findings: list, lead: str) -> str:
    """What stops a pass: each table not completely read, in one sentence."""
    parts = ";".join(f.message for f in findings)
    return f"{lead}:{name} {parts}。表格读不全时不能判定报告一致。"


def check(workbook: Path, as_json: bool = False, previous: Path | None = None,
          format_id: str | None = None, docx_template: Path | None = None) -> int:
    from make_report import api

    result = api.check(workbook, format_id, previous, docx_template)
    if as_json:  # as cli.main._json: a character that could disguise text stays escaped
        import json

        from make_report.core.safe import visible

        sys.stdout.write(visible(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
                         + "\n")
        sys.stdout.flush()
    else:
        from make_report.cli.console import print_findings, print_ratios

        print_findings(result.findings, workbook.name, result.verdict if result.published else "")
        print_ratios(result.ratios)
    if result.exit_code == 2:
        say(incomplete_sentence(workbook.name, result.incomplete, "无法完成检查"))
    return result.exit_code


def build(workbook: Path, output: Path | None = None, force: bool = False,
          templates: Path | None = None, reference_docx: Path | None = None,
          html: bool = False, pdf: bool = False, previous: Path | None = None,
          format_id: str | None = None, docx_template: Path | None = None,
          unsealed: bool = False) -> int:
    from make_report import api
    from make_report.cli.console import print_findings

    result = api.build(workbook, output, force=force, templates=templates,
                       reference_docx=reference_docx, format_id=format_id, html=html, pdf=pdf,
                       previous=previous, docx_template=docx_template, sealed=not unsealed)
    shown = [f for f in result.check.findings if f.severity != "info"]
    if shown or not result.written:
        print_findings(result.check.findings, workbook.name)
    for backup in result.backups:
        say(f"原有的同名报告在生成后被编辑过(或不是本工具生成的),已先另存为:{backup}")
    for path in result.outputs:
        say(f"已生成:{path}")
    if not result.written:
        say("因有错误,未生成报告(改正后重试,或加 --force 强制生成)。")
    return 0 if result.check.valid else 1

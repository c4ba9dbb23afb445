"""The command line in Chinese: click's own words (help headings, usage) and placeholders.

click and typer word their help through ``gettext``'s ``_`` looked up in each module at call
time; ``install`` points those names at ``translate``, so ``Usage:``, ``Options`` and "Show
this message and exit." read 用法、选项、显示本帮助并退出. ``localise`` gives every argument
and option of a built command a Chinese placeholder (工作簿, 文件, 整数 …) unless the
declaration names its own ``metavar``; commands added later get them without any change.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

ZH = {
    "Usage:": "用法:",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "default: {default}": "默认:{default}",
    "required": "必填",
    "(dynamic)": "(运行时决定)",
    "env var: {var}": "环境变量:{var}",
    "deprecated": "已停用",
    "Aborted!": "已中止。",
    "Error: {message}": "错误:{message}",
    "Try '{command} {option}' for help.": "用 {command} {option} 查看用法。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "No such command {name!r}.": "没有 {name} 命令。",
    "No such option {name!r}.": "没有 {name} 这个选项。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
}
"""click's and typer's message ids (their English text) and what a clerk reads instead."""

ARGUMENTS = {"workbook": "工作簿", "folder": "文件夹", "report": "报告", "output": "文件",
             "outdir": "文件夹", "templates": "文件夹", "reference_docx": "文件",
             "previous": "文件", "data": "文件", "from_report": "文件", "format_id": "年份",
             "agency": "名称", "year": "年度", "jobs": "数量", "rule": "规则编号",
             "docx_template": "文件", "db": "地址", "data_dir": "文件夹", "host": "地址",
             "port": "端口", "backup": "文件", "office": "名称", "admin": "登录名",
             "workers": "数量"}
"""Placeholders of arguments and options by parameter name ..."""
TYPES = {"path": "路径", "text": "文字", "integer": "整数", "float": "数字", "boolean": "是/否",
         "integer range": "整数", "float range": "数字",
         "file": "文件", "directory": "文件夹", "filename": "文件",
         **{zh: zh for zh in ("路径", "文件", "文件夹")}}
"""... and otherwise by the kind of value (click's type name, which click words through
``_`` too: a Path made after ``install`` is named 路径)."""

OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


def translate(message: str) -> str:
    return ZH.get(message, message)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    import unicodedata

    from click._compat import strip_ansi

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in strip_ansi(text))


def install() -> None:
    """Point click's and typer's ``_`` at ``translate``, and let the help's columns measure
    Chinese as two columns a character, so descriptions line up (idempotent)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types
    import typer.core

    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.types, typer.core):
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
    click.formatting.term_len = width  # type: ignore[attr-defined]


def localise(command: Any) -> Any:
    """Chinese usage pieces and placeholders for ``command`` and all its subcommands.

    A path the user cannot read is left to the command, whose reader names the file and
    says 没有读取权限; click's own check would end in "“工作簿”的值无效"."""
    command.options_metavar = OPTIONS_METAVAR
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
    for param in command.params:
        if param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = placeholder(param)
        if hasattr(param.type, "readable"):  # typer's Path: click would say only 值无效
            param.type.readable = False  # the readers name the file and say 没有权限
    for sub in getattr(command, "commands", {}).values():
        localise(sub)
    return command


def placeholder(param: Any) -> str:
    if param.name in ARGUMENTS:
        return ARGUMENTS[param.name]
    choices = getattr(param.type, "choices", None)
    if choices:
        return "[" + "|".join(str(c) for c in choices) + "]"
    return TYPES.get(getattr(param.type, "name", ""), "值")


def mistyped_command(word: str, commands: list[str]) -> str | None:
    """"没有 chek 命令,您是否想用 check?" for a first word that is no file but close to a
    command's name; None when it may well be a workbook's name."""
    if Path(word).suffix or Path(word).exists():
        return None
    near = difflib.get_close_matches(word.lower(), commands, n=1, cutoff=0.6)
    return f"没有 {word} 命令,您是否想用 {near[0]}?" if near else None

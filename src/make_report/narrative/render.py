"""Narrative text rendered from table values, in a sandbox, with Chinese error messages.

A narrative cell may say ``收到申请{{ 依申请.本年新收.总计 }}件``; the number then comes
from the table and cannot contradict it. Unknown names fail loudly (StrictUndefined) and
every problem becomes one ``NarrativeError`` naming the cell or template, never a traceback.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SecurityError

from make_report.core.errors import MakeReportError
from make_report.core.model import Report
from make_report.narrative import sandbox
from make_report.narrative.messages import runtime, security, syntax, unknown
from make_report.narrative.names import render_context
from make_report.narrative.placeholders import NotPrintable
from make_report.narrative.plain import (  # the limits, shared with narrative.plain
    MARKERS,
    MAX_REPORT_WORK,
    MAX_SIZE,
    MAX_WORK,
    SEEN,
    TAG_WORK,
    UNWRITABLE,
    Budget,
    allowance,
    compile_cost,
)
from make_report.narrative.sandbox import (
    MAX_NUMBER,
    MAX_RANGE,
    MAX_TEMPLATE_BYTES,
    TooMuch,
    UnknownName,
)

__all__ = ["MAX_NUMBER", "MAX_RANGE", "MAX_REPORT_WORK", "MAX_SIZE", "MAX_TEMPLATE_BYTES",
           "MAX_WORK", "TAG_WORK", "Budget", "NarrativeError", "find_template", "render_context",
           "render_template", "render_text", "split_paragraphs", "template_dir"]

PACKAGE_TEMPLATES = Path(__file__).parents[1] / "templates"
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


class NarrativeError(MakeReportError):
    """A template that cannot be rendered; the message is Chinese and names the place. One
    raised by ``render_text`` is worded by the catalogue (rule J1) and carries that
    wording's ``kind`` and ``params``, so a check reports it as a finding in the same words."""

    def __init__(self, message: str, kind: str | None = None,
                 params: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.kind, self.params = kind, dict(params or {})


def _cannot_render(kind: str, where: str, **params: object) -> NarrativeError:
    from make_report.rules import finding

    return NarrativeError(finding("J1", where, kind=kind, **params).message, kind, params)


def render_text(source: str, report: Report | Mapping, where: str,
                budget: Budget | None = None) -> str:
    """Render one narrative cell; ``where`` (如 一、总体情况!B7) goes into any error.
    ``budget``, shared by all the cells of a report, bounds their work together."""
    if not any(marker in source for marker in MARKERS):
        return source
    ctx = report if isinstance(report, Mapping) else render_context(report)
    limit = allowance(budget)
    cell = [limit, budget.total if budget is not None and budget.left < MAX_WORK else limit]
    try:
        template = sandbox.COMPILED.get(source)
        cell[0] -= compile_cost(source)
        if cell[0] < 0:
            raise TooMuch(sandbox.too_much_work(cell[1]))
        if template is None or template is SEEN:  # SEEN: charged when found plain
            template = sandbox.compile_template(source)
        try:
            with sandbox.counted(cell):
                text = template.render(ctx)  # type: ignore[attr-defined]
            if found := UNWRITABLE.search(text):  # check fails here, not the build later
                raise TooMuch(f"生成了无法写入文档的字符(U+{ord(found.group()):04X}),请检查模板")
            return text
        finally:
            if budget is not None:
                budget.left -= limit - max(cell[0], 0)
    except TemplateSyntaxError as exc:
        raise _cannot_render("syntax", where, line=exc.lineno, detail=syntax(exc)) from None
    except UnknownName as exc:
        path, name, options = unknown(exc, ctx)
        raise _cannot_render("unknown" if options else "unknown_bare", where, path=path,
                             name=name, options=options) from None
    except SecurityError as exc:
        raise _cannot_render("unsafe", where, detail=security(exc)) from None
    except NotPrintable as exc:
        raise _cannot_render("not_printable", where, detail=exc.message) from None
    except Exception as exc:  # MemoryError, RecursionError too: one sentence, never a crash
        raise _cannot_render("runtime", where, detail=runtime(exc)) from None


def template_dir(custom: Path | None = None) -> Path:
    """The folder with base documents and narrative/*.j2: ``custom`` or the packaged one."""
    if custom is not None:
        try:
            os.listdir(custom)  # a folder this user may not open is said, never passed over
        except NotADirectoryError:
            raise NarrativeError(f"模板目录“{custom}”不是文件夹") from None
        except FileNotFoundError:
            raise NarrativeError(f"模板目录“{custom}”不存在") from None
        except OSError as exc:
            raise NarrativeError(f"模板目录“{custom}”无法打开({_os_reason(exc)})") from None
        return Path(custom)
    return PACKAGE_TEMPLATES if PACKAGE_TEMPLATES.is_dir() else CHECKOUT_TEMPLATES


def find_template(name: str, custom: Path | None = None) -> Path:
    """``narrative/name`` from ``custom`` if it has it, else the packaged one."""
    places = [template_dir(custom) / "narrative" / name, template_dir(custom) / name]
    places.append(template_dir(None) / "narrative" / name)
    for place in places:
        try:
            if place.is_file():
                return place
        except OSError as exc:  # e.g. its folder may not be opened by this user
            raise NarrativeError(f"叙述模板 {place} 无法读取({_os_reason(exc)})") from None
        if place.exists() and not place.is_dir():  # a pipe or a device: never skipped silently
            raise NarrativeError(f"叙述模板 {place} 不是普通文件(而是管道、设备等),无法读取")
    raise NarrativeError(f"找不到叙述模板“{name}”(已查找:{'、'.join(map(str, places))})")


def render_template(name: str, report: Report | Mapping, custom: Path | None = None,
                    budget: Budget | None = None) -> list[str]:
    """Paragraphs of a narrative template file: a blank line starts a new paragraph."""
    path = find_template(name, custom)
    text = render_text(_read_template(path), report, f"叙述模板 {path}", budget)
    return split_paragraphs(text, blank_line=True)


def _read_template(path: Path) -> str:
    """A template file's text: a regular file (opened without blocking, so a pipe cannot
    hang the run), of a sane size, in UTF-8."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise NarrativeError(f"叙述模板 {path} 不是普通文件(而是管道、设备等),无法读取")
            # as much as the file holds (asking for the limit would allocate 1 MB each time)
            data = fh.read(min(info.st_size, MAX_TEMPLATE_BYTES) + 1)
            if len(data) > info.st_size:  # it grew meanwhile: read on to the limit
                data += fh.read(MAX_TEMPLATE_BYTES + 1 - len(data))
    except OSError as exc:
        raise NarrativeError(f"叙述模板 {path} 无法读取({_os_reason(exc)})") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise NarrativeError(f"叙述模板 {path} 过大(超过 1 MB),叙述模板通常只有几 KB")
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")  # as utf-8-sig, no codec to load
    except UnicodeDecodeError:
        raise NarrativeError(f"叙述模板 {path} 不是 UTF-8 编码(可能是 GBK)。请用记事本打开,"
                             "“另存为”时把编码选为 UTF-8 后再试") from None


def _os_reason(exc: OSError) -> str:
    import errno

    return {errno.EACCES: "没有权限读取", errno.EPERM: "没有权限读取",
            errno.ENOENT: "文件不存在"}.get(exc.errno or 0, f"操作系统错误代码 {exc.errno}")


def split_paragraphs(text: str, blank_line: bool = False) -> list[str]:
    """Paragraphs of rendered text; leading full-width spaces go (the style indents)."""
    if blank_line:
        chunks = re.split(r"\n[ \t\u3000]*\n", text)
        chunks = ["".join(line.strip() for line in c.splitlines()) for c in chunks]
    else:
        chunks = text.splitlines()
    return [c.strip(" \t\u3000") for c in chunks if c.strip(" \t\u3000")]

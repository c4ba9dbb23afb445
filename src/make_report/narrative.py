"""Narrative text rendered from table values, in a sandbox, with Chinese error messages.

A narrative cell may say ``收到申请{{ 依申请.本年新收.总计 }}件``; the number then comes
from the table and cannot contradict it. Unknown names fail loudly (StrictUndefined) and
every problem becomes one ``NarrativeError`` naming the cell or template, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from make_report.model import Report, format_value
from make_report.narrative_names import NameList, Names, chinese_tables, english_tables

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_MARKERS = ("{{", "{%", "{#")
_MAX_OPTIONS = 30
_RUNTIME = {"ZeroDivisionError": "除数为0", "TypeError": "类型不符,如数字与文字相加",
            "ValueError": "数值有误", "OverflowError": "数值过大"}


class NarrativeError(Exception):
    """A template that cannot be rendered; the message is Chinese and names the place."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _UnknownName(UndefinedError):
    def __init__(self, owner: object, name: object) -> None:
        super().__init__(str(name))
        self.owner = owner
        self.name = name


class _Undefined(StrictUndefined):
    """Fails with the container it was looked up in, so the message can list what exists."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: object, **kwargs: object):
        if self._undefined_exception is not UndefinedError:  # SecurityError from the sandbox
            return super()._fail_with_undefined_error(*args, **kwargs)
        raise _UnknownName(self._undefined_obj, self._undefined_name)


def _dispatch(self: _Undefined, *args: object, **kwargs: object):
    return self._fail_with_undefined_error(*args, **kwargs)


# Jinja binds str(), bool(), + ... to the base method directly; route them to ours.
for _name, _value in {**vars(Undefined), **vars(StrictUndefined)}.items():
    if _value is Undefined._fail_with_undefined_error and _name.startswith("__"):
        setattr(_Undefined, _name, _dispatch)


class _Sandbox(SandboxedEnvironment):
    """Names levels answer only with their entries, never with dict methods."""

    def getattr(self, obj: object, attribute: str) -> object:
        if isinstance(obj, Names):
            return self._lookup(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: object, argument: object) -> object:
        if isinstance(obj, Names):
            return self._lookup(obj, argument)
        return super().getitem(obj, argument)

    def _lookup(self, obj: Names, key: object) -> object:
        return obj[key] if key in obj else self.undefined(obj=obj, name=key)


_ENV = _Sandbox(undefined=_Undefined, autoescape=False, trim_blocks=True,
                lstrip_blocks=True, finalize=format_value)
_COMPILED: dict[str, object] = {}


def render_context(report: Report) -> Names:
    """Everything a template can name: tables in Chinese and English, agency and year."""
    values = {f.key: report.value(f.key) for f in report.format.fields}
    ctx = Names("")
    ctx.update(chinese_tables(report.format, values))
    ctx.update(english_tables(report.format, values))
    ctx["values"] = Names("values", values.items())
    for names, value in ((("机关名称", "agency"), report.agency),
                         (("报告年度", "年度", "year"), report.year)):
        for name in names:
            ctx[name] = value
    return ctx


def render_text(source: str, report: Report | Mapping, where: str) -> str:
    """Render one narrative cell; ``where`` (如 一、总体情况!B7) goes into any error."""
    if not any(marker in source for marker in _MARKERS):
        return source
    ctx = report if isinstance(report, Mapping) else render_context(report)
    try:
        template = _COMPILED.get(source) or _compile(source)
        return template.render(ctx)  # type: ignore[attr-defined]
    except TemplateSyntaxError as exc:
        raise NarrativeError(f"{where} 模板语法有误(第{exc.lineno}行):{_syntax(exc)}") from None
    except _UnknownName as exc:
        raise NarrativeError(_unknown(where, exc, ctx)) from None
    except SecurityError as exc:
        raise NarrativeError(f"{where} 模板中有不允许的操作:{_security(exc)}") from None
    except Exception as exc:
        kind = _RUNTIME.get(type(exc).__name__, type(exc).__name__)
        raise NarrativeError(f"{where} 模板无法计算:{kind}({exc})") from None


def _compile(source: str) -> object:
    template = _ENV.from_string(source)
    if len(_COMPILED) < 512:
        _COMPILED[source] = template
    return template


def _security(exc: SecurityError) -> str:
    found = re.search(r"attribute '([^']+)'", str(exc))
    name = f"“{found.group(1)}”" if found else "内部属性"
    return f"模板只能引用报告中的数字和文字,不能访问{name}"


def _syntax(exc: TemplateSyntaxError) -> str:
    """A Chinese hint for the usual slips, with Jinja's own words kept for the rest."""
    text = exc.message or ""
    if "unexpected end of template" in text:
        return "模板不完整,可能缺少 }}、%} 或 {% endif %} 等结束标记"
    if "unexpected" in text:
        return f"有多余或不认识的符号({text})"
    return text


def _unknown(where: str, exc: _UnknownName, ctx: Mapping) -> str:
    owner = exc.owner
    if isinstance(owner, Names):
        path = f"{owner.path}.{exc.name}" if owner.path else str(exc.name)
        options = "、".join(str(k) for k in list(owner)[:_MAX_OPTIONS])
        more = "等" if len(owner) > _MAX_OPTIONS else ""
    elif isinstance(owner, NameList):
        path, options, more = f"{owner.path}.{exc.name}", f"0—{len(owner) - 1}", ""
    else:  # a top-level name
        path, more = str(exc.name), ""
        options = "、".join(k for k in ctx if not k.isascii())
    hint = f",可用:{options}{more}" if options else ""
    return f"{where} 模板中的“{path}”无法识别:没有“{exc.name}”{hint}"


def template_dir(custom: Path | None = None) -> Path:
    """The folder with base documents and narrative/*.j2: ``custom`` or the packaged one."""
    if custom is not None:
        if not Path(custom).is_dir():
            raise NarrativeError(f"模板目录“{custom}”不存在")
        return Path(custom)
    return PACKAGE_TEMPLATES if PACKAGE_TEMPLATES.is_dir() else CHECKOUT_TEMPLATES


def find_template(name: str, custom: Path | None = None) -> Path:
    """``narrative/name`` from ``custom`` if it has it, else the packaged one."""
    places = [template_dir(custom) / "narrative" / name, template_dir(custom) / name]
    places.append(template_dir(None) / "narrative" / name)
    for place in places:
        if place.is_file():
            return place
    raise NarrativeError(f"找不到叙述模板“{name}”(已查找:{'、'.join(map(str, places))})")


def render_template(name: str, report: Report | Mapping, custom: Path | None = None) -> list[str]:
    """Paragraphs of a narrative template file: a blank line starts a new paragraph."""
    path = find_template(name, custom)
    text = render_text(path.read_text(encoding="utf-8"), report, f"叙述模板 {path}")
    return split_paragraphs(text, blank_line=True)


def split_paragraphs(text: str, blank_line: bool = False) -> list[str]:
    """Paragraphs of rendered text; leading full-width spaces go (the style indents)."""
    if blank_line:
        chunks = re.split(r"\n[ \t\u3000]*\n", text)
        chunks = ["".join(line.strip() for line in c.splitlines()) for c in chunks]
    else:
        chunks = text.splitlines()
    return [c.strip(" \t\u3000") for c in chunks if c.strip(" \t\u3000")]

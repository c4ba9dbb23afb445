"""Narrative text rendered from table values, in a sandbox, with Chinese error messages.

A narrative cell may say ``收到申请{{ 依申请.本年新收.总计 }}件``; the number then comes
from the table and cannot contradict it. Unknown names fail loudly (StrictUndefined) and
every problem becomes one ``NarrativeError`` naming the cell or template, never a traceback.
"""

from __future__ import annotations

import decimal
import functools
import itertools
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, UndefinedError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace, generate_lorem_ipsum

from make_report.core.errors import MakeReportError
from make_report.core.model import Report, format_value
from make_report.narrative.names import NameList, Names, chinese_tables, english_tables
from make_report.narrative.placeholders import NotPrintable, printable

PACKAGE_TEMPLATES = Path(__file__).parents[1] / "templates"
CHECKOUT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
_MARKERS = ("{{", "{%", "{#")
_MAX_OPTIONS = 30
_RUNTIME: tuple[tuple[type[BaseException], str], ...] = (
    (ZeroDivisionError, "除数为0"), (OverflowError, "数值过大"), (decimal.Overflow, "数值过大"),
    (RecursionError, "嵌套或递归过深"), (MemoryError, "内容过多"),
    (TypeError, "类型不符,如数字与文字相加"), (ValueError, "数值有误"), (ArithmeticError, "数值有误"))


class NarrativeError(MakeReportError):
    """A template that cannot be rendered; the message is Chinese and names the place."""


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


# ------------------------------------------------------------------ limits of the sandbox
# A narrative cell is a sentence or two. Whatever a template computes is held to what
# such text could ever need, so that a slip or a hostile cell ('a' * 10**9, 9**(9**9),
# a loop doubling a string) ends as one Chinese sentence instead of eating memory or time.

MAX_SIZE = 100_000
"""Characters (of text) or items (of a list) one value may have, counted through lists."""
MAX_NUMBER = 10**15
"""Largest whole number ``*`` and ``**`` may make."""
MAX_RANGE = 10_000
"""Items ``range()`` may give."""
MAX_WORK = 200_000
"""Loop steps plus characters made, per cell or template file (about half a second)."""
MAX_REPORT_WORK = 1_000_000
"""The same steps, for all the narrative of one report together (a ``Budget``): a
thousand cells each just under ``MAX_WORK`` must not add up to minutes."""
TAG_WORK = 250
"""Steps charged for compiling one ``{{ }}`` or ``{% %}`` (about a millisecond each)."""
MAX_TEMPLATE_BYTES = 1024 * 1024
"""A narrative template file is a few KB."""
_WORK: ContextVar[list[int] | None] = ContextVar("narrative_work", default=None)
_STEPS = "_make_report_steps"
"""The global every ``for`` loop's iterable passes through (see ``_compile``)."""
_DROPPED_FILTERS = ("center", "indent", "wordwrap", "tojson", "pprint", "urlize", "xmlattr")
"""Filters that lay text out or write markup: of no use in a Word paragraph."""
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})
_SPEC_NUMBER = re.compile(r"\d+")
_PRINTF_SPEC = re.compile(r"%[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*\}")


class _TooMuch(Exception):
    """A template that would make more than narrative text ever needs (a Chinese reason)."""


class Budget:
    """The work all the narrative cells and templates of one report may do together.

    Pass one to every ``render_text`` of a report: each cell is still held to
    ``MAX_WORK``, and all of them together to ``MAX_REPORT_WORK``."""

    def __init__(self, work: int = MAX_REPORT_WORK) -> None:
        self.total = self.left = work


def _weight(value: object, limit: int = MAX_SIZE, depth: int = 0) -> int:
    """Characters and items ``value`` would make as text; counting stops past ``limit``."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Namespace):
        value = object.__getattribute__(value, "_Namespace__attrs")
    if isinstance(value, Mapping):
        items: Iterable[object] = (x for pair in value.items() for x in pair)
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    else:
        return 1
    if depth > 20:
        return limit + 1
    total = len(value)  # type: ignore[arg-type]
    for item in items:
        if total > limit:
            break
        total += _weight(item, limit - total, depth + 1)
    return total


def _charge(amount: int) -> None:
    work = _WORK.get()
    if work is not None:  # None while compiling: constants are the template's own text
        work[0] -= amount
        if work[0] < 0:
            raise _TooMuch(_too_much_work(work[1]))


def _too_much_work(limit: int) -> str:
    if limit > MAX_WORK:  # the report's budget ran out, not this cell's
        return f"全部叙述文字的模板合计计算量过大(超过 {limit} 步),请简化模板"
    return f"循环或输出过多(超过 {MAX_WORK} 步),请简化模板"


def _light(value: object, made: bool = True) -> None:
    """``value`` refused past ``MAX_SIZE``; if it was ``made`` here, charged to the render."""
    weight = _weight(value)
    if weight > MAX_SIZE:
        raise _TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
    if made:
        _charge(weight)


def _sized(value: object) -> object:
    """A computed value within the limits."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise _TooMuch("数值过大(超过 10 的 15 次方)")
    _light(value)
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_binop(operator: str, left: object, right: object) -> None:
    """Refuse before computing what would be too large to compute."""
    sequence = str | list | tuple
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, sequence) and isinstance(times, int) and times > 0:
                if _weight(seq) * times > MAX_SIZE:
                    raise _TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
                return
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > 64:
            raise _TooMuch("数值过大(超过 10 的 15 次方)")
    elif operator == "**":
        if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1 \
                and right * math.log2(abs(left)) > math.log2(MAX_NUMBER):
            raise _TooMuch("数值过大(超过 10 的 15 次方)")
    elif operator == "+" and isinstance(left, sequence) and isinstance(right, sequence):
        if _weight(left) + _weight(right) > MAX_SIZE:
            raise _TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
    elif operator == "%" and isinstance(left, str):
        _light(right, made=False)
        _check_spec(left, _PRINTF_SPEC)


def _check_spec(text: str, spec: re.Pattern[str]) -> None:
    """Field widths in a format string (``%9999d``, ``{:>9999}``) within the limit."""
    text = text.replace("%%", "").replace("{{", "").replace("}}", "")
    fields = spec.findall(text)
    if any("*" in f for f in fields) or (spec is _BRACE_SPEC and re.search(r"\{[^{}]*\{", text)):
        raise _TooMuch("格式中的宽度只能直接写数字")
    if sum(int(n) for f in fields for n in _SPEC_NUMBER.findall(f)) > MAX_SIZE:
        raise _TooMuch(f"格式中的宽度过大(超过 {MAX_SIZE})")


def _check_call(owner: object, name: str, args: tuple, kwargs: dict) -> tuple:
    """A str method about to run on ``owner``; ``join`` gets its items as a list."""
    if not isinstance(owner, str):
        return args
    numbers = [a for a in (*args, *kwargs.values()) if _is_int(a)]
    if name in _WIDTH_METHODS and any(n > MAX_SIZE for n in numbers):
        raise _TooMuch(f"宽度过大(超过 {MAX_SIZE})")
    if name == "expandtabs" and numbers and owner.count("\t") * max(numbers) > MAX_SIZE:
        raise _TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
    if name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1])
    if name in ("format", "format_map"):
        _check_spec(owner, _BRACE_SPEC)
    if name == "join" and args:
        items = _bounded_list(args[0])
        _light(items, made=False)
        if len(owner) * len(items) > MAX_SIZE:
            raise _TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
        return (items, *args[1:])
    return args


def _check_replace(text: object, old: object, new: object) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        if len(text) + text.count(old) * len(new) > MAX_SIZE:
            raise _TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")


def _bounded_list(items: object) -> list:
    out = list(itertools.islice(items, MAX_SIZE + 1))  # type: ignore[call-overload]
    if len(out) > MAX_SIZE:
        raise _TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
    return out


def _guarded_filter(name: str, func: Callable) -> Callable:
    """A filter whose input and output stay within the limits."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(func)
    def guarded(*args: object, **kwargs: object) -> object:
        for value in (*args[skip:], *kwargs.values()):
            _light(value, made=False)
        subject, rest = (args[skip] if len(args) > skip else None), args[skip + 1:]
        if name == "format" and isinstance(subject, str):
            _check_spec(subject, _PRINTF_SPEC)
        elif name == "replace" and len(rest) >= 2:
            _check_replace(subject, rest[0], rest[1])
        elif name == "join" and subject is not None and "attribute" not in kwargs:
            items = _bounded_list(subject)
            sep = rest[0] if rest else kwargs.get("d", "")
            if _weight(items) + _weight(sep) * len(items) > MAX_SIZE:
                raise _TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
            args = (*args[:skip], items, *rest)
        elif any(_is_int(a) and abs(a) > MAX_SIZE for a in (*rest, *kwargs.values())):
            raise _TooMuch(f"参数过大(超过 {MAX_SIZE})")
        return _sized(func(*args, **kwargs))

    return guarded


def _steps(iterable: object, cost: int = 1) -> Iterator[object]:
    """A ``for`` loop's items, each step charged with the text the loop body writes."""
    for item in iterable:  # type: ignore[attr-defined]
        _charge(cost)
        yield item


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """Jinja's placeholder text, in sizes a paragraph could have."""
    if not all(_is_int(x) and 0 <= x <= 1000 for x in (n, min, max)):
        raise _TooMuch("lipsum() 的参数应为不超过 1000 的整数")
    return generate_lorem_ipsum(n, html, min, max)


def _range(*args: int) -> range:
    numbers = range(*args)
    try:
        size = len(numbers)
    except OverflowError:
        size = MAX_RANGE + 1
    if size > MAX_RANGE:
        raise _TooMuch(f"range() 最多给出 {MAX_RANGE} 项")
    return numbers


class _Generator(CodeGenerator):
    """``a ~ b`` joins through the environment, so its length is checked first."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Sandbox(ImmutableSandboxedEnvironment):
    """Names levels answer only with their entries, never with dict methods; lists and
    dicts cannot be changed; operators, calls, filters, loops and output stay within the
    limits above."""

    code_generator_class = _Generator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        finalize = options.pop("finalize", None)
        if finalize is not None:
            options["finalize"] = functools.wraps(finalize)(
                lambda *args: finalize(*args[:-1], _light_output(args[-1])))
        super().__init__(**options)
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum
        self.globals[_STEPS] = _steps
        for name in _DROPPED_FILTERS:
            self.filters.pop(name, None)
        self.filters = {name: _guarded_filter(name, func) for name, func in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        target = getattr(__obj, "__wrapped__", __obj)
        for value in (*args, *kwargs.values()):
            _light(value, made=False)
        args = _check_call(getattr(target, "__self__", None), getattr(target, "__name__", ""),
                           args, kwargs)
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def joined(self, parts: tuple) -> str:
        _light(list(parts))
        return "".join(map(str, parts))

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


def _light_output(value: object) -> object:
    _light(printable(value))
    return value


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


def render_text(source: str, report: Report | Mapping, where: str,
                budget: Budget | None = None) -> str:
    """Render one narrative cell; ``where`` (如 一、总体情况!B7) goes into any error.
    ``budget``, shared by all the cells of a report, bounds their work together."""
    if not any(marker in source for marker in _MARKERS):
        return source
    ctx = report if isinstance(report, Mapping) else render_context(report)
    limit = min(MAX_WORK, budget.left) if budget is not None else MAX_WORK
    cell = [limit, budget.total if budget is not None and budget.left < MAX_WORK else limit]
    try:
        template = _COMPILED.get(source)
        if template is None:
            cell[0] -= TAG_WORK * sum(source.count(m) for m in _MARKERS[:2])
            if cell[0] < 0:
                raise _TooMuch(_too_much_work(cell[1]))
            template = _compile(source)
        work = _WORK.set(cell)
        try:
            return template.render(ctx)  # type: ignore[attr-defined]
        finally:
            _WORK.reset(work)
            if budget is not None:
                budget.left -= limit - max(cell[0], 0)
    except TemplateSyntaxError as exc:
        raise NarrativeError(f"{where} 模板语法有误(第{exc.lineno}行):{_syntax(exc)}") from None
    except _UnknownName as exc:
        raise NarrativeError(_unknown(where, exc, ctx)) from None
    except SecurityError as exc:
        raise NarrativeError(f"{where} 模板中有不允许的操作:{_security(exc)}") from None
    except NotPrintable as exc:
        raise NarrativeError(f"{where} {exc.message}") from None
    except Exception as exc:  # MemoryError, RecursionError too: one sentence, never a crash
        raise NarrativeError(f"{where} 模板无法计算:{_runtime(exc)}") from None


def _compile(source: str) -> object:
    """Compile with every ``for`` loop counted: its iterable goes through ``_steps``,
    charged per step with the text the loop body writes."""
    tree = _ENV.parse(source)
    for loop in list(tree.find_all(nodes.For)):
        cost = 1 + sum(len(data.data) for child in loop.body
                       for data in child.find_all(nodes.TemplateData))
        call = nodes.Call(nodes.Name(_STEPS, "load"), [loop.iter, nodes.Const(cost)], [], None, None)
        loop.iter = call.set_lineno(loop.lineno).set_environment(_ENV)
    template = _ENV.from_string(tree)
    if len(_COMPILED) < 512:
        _COMPILED[source] = template
    return template


def _runtime(exc: BaseException) -> str:
    """Why a template could not be computed, in Chinese (Python's English stays out)."""
    text = str(exc)
    if isinstance(exc, _TooMuch):
        return text
    if "no loader" in text:
        return "单元格中的模板不能引用其他模板文件(include、import、extends)"
    if "non-namespace" in text:
        return "只能给 namespace() 的属性赋值"
    for kind, reason in _RUNTIME:
        if isinstance(exc, kind):
            return reason
    return "计算出错,请检查模板的写法"


def _security(exc: SecurityError) -> str:
    found = re.search(r"attribute '([^']+)'", str(exc))
    name = f"“{found.group(1)}”" if found else "内部属性"
    return f"模板只能引用报告中的数字和文字,不能访问{name}"


_TOKENS = {"end of print statement": "“}}”", "end of statement block": "“%}”",
           "end of template": "模板结尾", "name": "名称", "integer": "数字", "float": "数字",
           "string": "文字"}
_BLOCK = r"The innermost block that needs to be closed is '(\w+)'"
_SYNTAX: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = (
    (r"expected name or number", lambda m: "“.”后面应为名称或数字"),
    (r"[Uu]nexpected end of template\. .*" + _BLOCK,
     lambda m: f"模板不完整,{{% {m[1]} %}} 缺少结束标记 {{% end{m[1]} %}}"),
    (r"unexpected end of template, expected '(.+?)'", lambda m: f"模板不完整,缺少{_token(m[1])}"),
    (r"[Uu]nexpected end of template", lambda m: "模板不完整,可能缺少 }}、%} 或 {% endif %} 等结束标记"),
    (r"Encountered unknown tag '(.+?)'\. .*" + _BLOCK,
     lambda m: f"此处应先用 {{% end{m[2]} %}} 结束 {{% {m[2]} %}},而不是“{m[1]}”"),
    (r"Encountered unknown tag '(.+?)'", lambda m: f"不认识或多余的标签“{m[1]}”"),
    (r"tag name expected", lambda m: "{% 后面缺少标签名(如 if、for、set)"),
    (r"No filter named '(.+?)'", lambda m: f"没有名为“{m[1]}”的过滤器"),
    (r"No test named '(.+?)'", lambda m: f"没有名为“{m[1]}”的测试"),
    (r"Missing end of comment tag", lambda m: "注释缺少结束标记 #}"),
    (r"unexpected char (['\"])(.*)\1 at", lambda m: f"有不认识的字符“{m[2]}”"),
    (r"can't assign to", lambda m: "赋值的写法有误,等号左边应为名称"),
    (r"[Ee]xpected an expression, got '(.+?)'",
     lambda m: f"此处缺少名称、数字或文字,实为{_token(m[1])}"),
    (r"expected token '(.+?)', got '(.+?)'", lambda m: f"此处应为{_token(m[1])},实为{_token(m[2])}"),
    (r"unexpected '(.+?)', expected '(.+?)'", lambda m: f"缺少{_token(m[2])}(遇到了{_token(m[1])})"),
    (r"unexpected '(end of print statement|end of statement block)'",
     lambda m: f"表达式不完整,{_token(m[1])}之前缺少内容"),
    (r"unexpected '\}'", lambda m: "有单独的“}”,表达式应以 }} 结束"),
    (r"unexpected '(.+?)'", lambda m: f"有多余或不认识的符号{_token(m[1])}"),
    (r"defined twice", lambda m: "同一名称的区块定义了两次"),
    (r"escape", lambda m: "文字中的反斜杠转义写法有误"),
)


def _token(name: str) -> str:
    return _TOKENS.get(name, f"“{name}”")


def _syntax(exc: TemplateSyntaxError) -> str:
    """The usual slips in Chinese; Jinja's English never reaches the clerk."""
    text = exc.message or ""
    for pattern, say in _SYNTAX:
        if found := re.search(pattern, text, re.S):
            return say(found)
    return "写法有误,请检查 {{ }}、{% %} 是否成对,名称和符号是否写错"


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
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise NarrativeError(f"叙述模板 {path} 不是普通文件(而是管道、设备等),无法读取")
            data = fh.read(MAX_TEMPLATE_BYTES + 1)
    except OSError as exc:
        raise NarrativeError(f"叙述模板 {path} 无法读取({_os_reason(exc)})") from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise NarrativeError(f"叙述模板 {path} 过大(超过 1 MB),叙述模板通常只有几 KB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NarrativeError(f"叙述模板 {path} 不是 UTF-8 编码(可能是 GBK)。请用记事本打开,"
                             "“另存为”时把编码选为 UTF-8 后再试") from None


def _os_reason(exc: OSError) -> str:
    import errno

    return {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限",
            errno.ENOENT: "文件不存在"}.get(exc.errno or 0, f"操作系统错误代码 {exc.errno}")


def split_paragraphs(text: str, blank_line: bool = False) -> list[str]:
    """Paragraphs of rendered text; leading full-width spaces go (the style indents)."""
    if blank_line:
        chunks = re.split(r"\n[ \t\u3000]*\n", text)
        chunks = ["".join(line.strip() for line in c.splitlines()) for c in chunks]
    else:
        chunks = text.splitlines()
    return [c.strip(" \t\u3000") for c in chunks if c.strip(" \t\u3000")]

"""The sandbox a narrative template runs in, and the limits it is held to.

Built on Jinja's documented extension points only: ``ImmutableSandboxedEnvironment`` with
its ``intercepted_binops``/``call_binop``, ``call``, ``getattr``/``getitem`` hooks; a
``StrictUndefined`` subclass; and the parsed node tree (``Environment.parse``), rewritten
with ``jinja2.visitor.NodeTransformer`` before it is compiled. No compiler internals are
subclassed and nothing of Jinja's is patched, so an upgrade cannot quietly drop a limit
(``tests/test_narrative.py`` checks each one).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, UndefinedError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, generate_lorem_ipsum
from jinja2.visitor import NodeTransformer

from make_report.core.model import format_value
from make_report.narrative.names import Names
from make_report.narrative.placeholders import printable
from make_report.narrative.plain import COMPILED, MAX_COMPILED, MAX_SIZE, MAX_WORK


class UnknownName(UndefinedError):
    """A name a template used that its context does not have (``owner`` is where it was
    looked up), for a message that lists what does exist."""

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
        raise UnknownName(self._undefined_obj, self._undefined_name)

    # Jinja binds these operators to its own failing method when its classes are made; a
    # subclass names them again to fail with its own (tests check none is missed).
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __div__ = __rdiv__ = \
        __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = \
        __pos__ = __neg__ = __call__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = \
        __int__ = __float__ = __complex__ = __pow__ = __rpow__ = __iter__ = __str__ = \
        __len__ = __eq__ = __ne__ = __bool__ = __hash__ = __contains__ = \
        _fail_with_undefined_error


# ------------------------------------------------------------------ limits of the sandbox
# A narrative cell is a sentence or two. Whatever a template computes is held to what
# such text could ever need, so that a slip or a hostile cell ('a' * 10**9, 9**(9**9),
# a loop doubling a string) ends as one Chinese sentence instead of eating memory or time.

MAX_NUMBER = 10**15
"""Largest whole number ``*`` and ``**`` may make."""
MAX_RANGE = 10_000
"""Items ``range()`` may give."""
MAX_TEMPLATE_BYTES = 1024 * 1024
"""A narrative template file is a few KB."""
_WORK: ContextVar[list[int] | None] = ContextVar("narrative_work", default=None)
_STEPS = "_make_report_steps"
"""The global every ``for`` loop's iterable passes through (see ``_Counted``)."""
_JOINED = "_make_report_joined"
"""The global every ``a ~ b`` joins through (see ``_Counted``)."""
_DROPPED_FILTERS = ("center", "indent", "wordwrap", "tojson", "pprint", "urlize", "xmlattr")
"""Filters that lay text out or write markup: of no use in a Word paragraph."""
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})
_SPEC_NUMBER = re.compile(r"\d+")
_PRINTF_SPEC = re.compile(r"%[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*\}")


class TooMuch(Exception):
    """A template that would make more than narrative text ever needs (a Chinese reason)."""


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
            raise TooMuch(too_much_work(work[1]))


def too_much_work(limit: int) -> str:
    if limit > MAX_WORK:  # the report's budget ran out, not this cell's
        return f"全部叙述文字的模板合计计算量过大(超过 {limit} 步),请简化模板"
    return f"循环或输出过多(超过 {MAX_WORK} 步),请简化模板"


@contextmanager
def counted(work: list[int]) -> Iterator[None]:
    """Charge what a render does to ``work`` ([steps left, the limit named if they run out])."""
    token = _WORK.set(work)
    try:
        yield
    finally:
        _WORK.reset(token)


def _light(value: object, made: bool = True) -> None:
    """``value`` refused past ``MAX_SIZE``; if it was ``made`` here, charged to the render."""
    weight = _weight(value)
    if weight > MAX_SIZE:
        raise TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
    if made:
        _charge(weight)


def _sized(value: object) -> object:
    """A computed value within the limits."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise TooMuch("数值过大(超过 10 的 15 次方)")
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
                    raise TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
                return
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > 64:
            raise TooMuch("数值过大(超过 10 的 15 次方)")
    elif operator == "**":
        if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1 \
                and right * math.log2(abs(left)) > math.log2(MAX_NUMBER):
            raise TooMuch("数值过大(超过 10 的 15 次方)")
    elif operator == "+" and isinstance(left, sequence) and isinstance(right, sequence):
        if _weight(left) + _weight(right) > MAX_SIZE:
            raise TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
    elif operator == "%" and isinstance(left, str):
        _light(right, made=False)
        _check_spec(left, _PRINTF_SPEC)


def _check_spec(text: str, spec: re.Pattern[str]) -> None:
    """Field widths in a format string (``%9999d``, ``{:>9999}``) within the limit."""
    text = text.replace("%%", "").replace("{{", "").replace("}}", "")
    fields = spec.findall(text)
    if any("*" in f for f in fields) or (spec is _BRACE_SPEC and re.search(r"\{[^{}]*\{", text)):
        raise TooMuch("格式中的宽度只能直接写数字")
    if sum(int(n) for f in fields for n in _SPEC_NUMBER.findall(f)) > MAX_SIZE:
        raise TooMuch(f"格式中的宽度过大(超过 {MAX_SIZE})")


def _check_call(owner: object, name: str, args: tuple, kwargs: dict) -> tuple:
    """A str method about to run on ``owner``; ``join`` gets its items as a list."""
    if not isinstance(owner, str):
        return args
    numbers = [a for a in (*args, *kwargs.values()) if _is_int(a)]
    if name in _WIDTH_METHODS and any(n > MAX_SIZE for n in numbers):
        raise TooMuch(f"宽度过大(超过 {MAX_SIZE})")
    if name == "expandtabs" and numbers and owner.count("\t") * max(numbers) > MAX_SIZE:
        raise TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
    if name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1])
    if name in ("format", "format_map"):
        _check_spec(owner, _BRACE_SPEC)
    if name == "join" and args:
        items = _bounded_list(args[0])
        _light(items, made=False)
        if len(owner) * len(items) > MAX_SIZE:
            raise TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
        return (items, *args[1:])
    return args


def _check_replace(text: object, old: object, new: object) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        if len(text) + text.count(old) * len(new) > MAX_SIZE:
            raise TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")


def _bounded_list(items: object) -> list:
    out = list(itertools.islice(items, MAX_SIZE + 1))  # type: ignore[call-overload]
    if len(out) > MAX_SIZE:
        raise TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
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
                raise TooMuch(f"内容过长(超过 {MAX_SIZE} 个字或项),叙述文字用不到这么长的内容")
            args = (*args[:skip], items, *rest)
        elif any(_is_int(a) and abs(a) > MAX_SIZE for a in (*rest, *kwargs.values())):
            raise TooMuch(f"参数过大(超过 {MAX_SIZE})")
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
        raise TooMuch("lipsum() 的参数应为不超过 1000 的整数")
    return generate_lorem_ipsum(n, html, min, max)


def _range(*args: int) -> range:
    numbers = range(*args)
    try:
        size = len(numbers)
    except OverflowError:
        size = MAX_RANGE + 1
    if size > MAX_RANGE:
        raise TooMuch(f"range() 最多给出 {MAX_RANGE} 项")
    return numbers


def _joined(*parts: object) -> str:
    """``a ~ b ~ c``: the parts weighed first (the call's result is charged as made)."""
    _light(list(parts), made=False)
    return "".join(map(str, parts))


class _Sandbox(ImmutableSandboxedEnvironment):
    """Names levels answer only with their entries, never with dict methods; lists and
    dicts cannot be changed; operators, calls, filters, loops and output stay within the
    limits above."""

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
        self.globals[_JOINED] = _joined
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
    _light(printable(value))  # one number or text, never a row or a table (NotPrintable)
    return value


ENV = _Sandbox(undefined=_Undefined, autoescape=False, trim_blocks=True,
                lstrip_blocks=True, finalize=format_value)


class _Counted(NodeTransformer):
    """The parsed template, rewritten through Jinja's public node tree: every ``for`` loop's
    iterable goes through ``_steps`` (charged per step with the text the loop body writes)
    and every ``a ~ b`` through ``_joined`` (its parts weighed before they are joined)."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        cost = 1 + sum(len(data.data) for child in node.body
                       for data in child.find_all(nodes.TemplateData))
        node.iter = _call(_STEPS, [node.iter, nodes.Const(cost)], node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        return _call(_JOINED, list(node.nodes), node.lineno)


def _call(name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    call = nodes.Call(nodes.Name(name, "load"), args, [], None, None)
    return call.set_lineno(lineno).set_environment(ENV)


def compile_template(source: str) -> object:
    """The sandbox's template of ``source``, counted (see ``_Counted``); cached in memory,
    and its compiled code on disk (``make_report.cache``), so that the same text is parsed
    and compiled once, not on every run."""
    code = _cached_code(source)
    if code is None:
        code = ENV.compile(_Counted().visit(ENV.parse(source)))
        _store_code(source, code)
    template = ENV.template_class.from_code(ENV, code, ENV.make_globals(None), None)
    if source in COMPILED or len(COMPILED) < MAX_COMPILED:
        COMPILED[source] = template
    return template


# ----------------------------------------------- compiled templates kept on disk
CODE_FORMAT = 1
"""Bump when the layout of a cached template changes."""
MAX_CACHED = 4096
"""Compiled templates kept on disk (a few KB each): the packaged ones and the cells seen."""
_CODE: dict[str, object] = {}
"""This process's cache key, folder and count of files stored there."""


def _code_key() -> str:
    """A hash of everything the compiled code of a template depends on: this module (the
    environment's options, the counting rewrite), Jinja's and Python's versions."""
    if "key" not in _CODE:
        import hashlib
        import sys

        import jinja2

        from make_report import __version__

        digest = hashlib.sha256(f"{CODE_FORMAT}|{__version__}|{sys.version}|"
                                f"{sys.implementation.cache_tag}|{jinja2.__version__}|".encode())
        try:
            digest.update(Path(__file__).read_bytes())
        except OSError:
            digest.update(str(id(ENV)).encode())  # no source to key on: never reused
        _CODE["key"] = digest.hexdigest()[:32]
    return _CODE["key"]  # type: ignore[return-value]


def _code_file(source: str) -> Path | None:
    import hashlib

    from make_report.cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    name = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    return folder / f"narrative-{_code_key()}" / f"{name[:40]}.bin"


def _cached_code(source: str) -> types.CodeType | None:
    """The compiled code of ``source`` from the disk cache, if it is there, ours and intact."""
    import marshal

    from make_report import cache

    path = _code_file(source)
    found = None if path is None else cache.read(path, _code_key())
    if found is None or found[0].get("source") != path.stem:  # type: ignore[union-attr]
        return None
    try:
        code = marshal.loads(found[1])
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, types.CodeType) else None


def _store_code(source: str, code: types.CodeType) -> None:
    import marshal

    from make_report import cache

    path = _code_file(source)
    if path is None:
        return
    if "stored" not in _CODE:
        _CODE["stored"] = _prepare(path.parent)
    if _CODE["stored"] >= MAX_CACHED:  # type: ignore[operator]
        return
    if cache.write(path, _code_key(), marshal.dumps(code), source=path.stem):
        _CODE["stored"] += 1  # type: ignore[operator]


def _prepare(folder: Path) -> int:
    """Files already in this key's folder; the folders of other keys (other versions of
    the code) removed."""
    import shutil

    try:
        for old in folder.parent.glob("narrative-*"):
            if old != folder and old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
        return sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0
    except OSError:
        return MAX_CACHED

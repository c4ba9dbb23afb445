"""A narrative cell that only names table values, checked without loading Jinja.

``check`` renders every narrative cell holding ``{{``/``{%``/``{#`` to find the ones that
cannot be rendered (rule J1); loading Jinja for that is a fifth of a cold ``check``. A cell
that is text and ``{{ 依申请.本年新收.总计 }}``-style names only (no tags, filters, sums or
whitespace control), each naming a number or a piece of text the context has, renders
without fail: ``render_plainly`` says so, and charges the report's ``Budget`` and marks
the text as seen exactly as a render through the sandbox would (``narrative/sandbox.py``).
Anything else, and any doubt, is left to the sandbox, which words any error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal

from make_report.core.model import format_value
from make_report.narrative.names import Names

MAX_SIZE = 100_000
"""Characters (of text) or items (of a list) one value may have, counted through lists."""
MAX_WORK = 200_000
"""Loop steps plus characters made, per cell or template file (about half a second)."""
MAX_REPORT_WORK = 1_000_000
"""The same steps, for all the narrative of one report together (a ``Budget``): a
thousand cells each just under ``MAX_WORK`` must not add up to minutes."""
TAG_WORK = 250
"""Steps charged for compiling one ``{{ }}`` or ``{% %}`` (about a millisecond each)."""
MARKERS = ("{{", "{%", "{#")
MAX_COMPILED = 512
COMPILED: dict[str, object] = {}
"""Texts compiled (or found plain) in this process: the sandbox's template, or ``SEEN``.
Compiling is charged (``TAG_WORK``) only the first time a text is met."""
SEEN = object()
"""A text ``render_plainly`` rendered: compiled when the sandbox first needs it, uncharged."""
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters no Word document (XML 1.0) can hold: a lone surrogate, U+0001 ..."""

_NAME = r"[^\W\d]\w*"
_TAG = re.compile(rf"\{{\{{\s*({_NAME}(?:\.{_NAME})*)\s*\}}\}}")
_WORDS = frozenset({"true", "false", "none", "True", "False", "None", "and", "or", "not",
                    "in", "is", "if", "else"})


class Budget:
    """The work all the narrative cells and templates of one report may do together.

    Pass one to every ``render_text`` of a report: each cell is still held to
    ``MAX_WORK``, and all of them together to ``MAX_REPORT_WORK``."""

    def __init__(self, work: int = MAX_REPORT_WORK) -> None:
        self.total = self.left = work


def allowance(budget: Budget | None) -> int:
    """The work one cell or template may do: ``MAX_WORK``, or less if the report's
    ``budget`` has less left."""
    return min(MAX_WORK, budget.left) if budget is not None else MAX_WORK


def compile_cost(source: str) -> int:
    """The work charged for compiling ``source``: only the first time this process meets
    it (compiled by the sandbox, or found plain here)."""
    if COMPILED.get(source) is not None:
        return 0
    return TAG_WORK * sum(source.count(m) for m in MARKERS[:2])


def render_plainly(source: str, context: Mapping, budget: Budget | None = None) -> bool:
    """True when ``source`` renders without fail in ``context`` (what it charges is charged
    to ``budget``); False, with nothing changed, when only the sandbox can tell."""
    if not any(marker in source for marker in MARKERS):
        return True  # plain text: the sandbox returns it as it is, uncharged
    parts = _parts(source)
    if parts is None:
        return False
    values = []
    for path in parts[1::2]:
        value = _value(path, context)
        if value is None:
            return False
        values.append(value)
    limit = allowance(budget)
    work = limit - compile_cost(source)
    work -= sum(len(v) if isinstance(v, str) else 1 for v in values)
    if work < 0:
        return False  # too much work: the sandbox says so
    texts = parts[0::2] + [format_value(v) for v in values]
    if any(UNWRITABLE.search(t) for t in texts):
        return False
    if budget is not None:
        budget.left -= limit - work
    if source not in COMPILED and len(COMPILED) < MAX_COMPILED:
        COMPILED[source] = SEEN
    return True


def _parts(source: str) -> list[str] | None:
    """Text, name path, text, ... — None unless every tag is a plain ``{{ name.path }}``."""
    parts, at = [], 0
    while True:
        found = [i for i in (source.find(m, at) for m in MARKERS) if i >= 0]
        if not found:
            parts.append(source[at:])
            return parts
        start = min(found)
        tag = _TAG.match(source, start)
        if tag is None:
            return None
        names = tag.group(1).split(".")
        if names[0] in _WORDS or not all(_plain_name(n) for n in names):
            return None
        parts += [source[at:start], tag.group(1)]
        at = tag.end()


def _plain_name(name: str) -> bool:
    return name.isidentifier() and unicodedata.normalize("NFKC", name) == name


def _value(path: str, context: Mapping) -> object | None:
    """The number or text ``path`` names, or None if it names anything else or nothing."""
    value: object = context
    for i, name in enumerate(path.split(".")):
        if not isinstance(value, Names if i else Mapping) or name not in value:
            return None
        value = value[name]
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float | str):
        return None
    return None if isinstance(value, str) and len(value) > MAX_SIZE else value

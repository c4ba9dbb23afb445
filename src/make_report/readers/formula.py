"""A tiny, safe evaluator for the formulas people put in count cells.

A workbook written by a program and never opened in Excel has no cached values, so the
totals the template pre-fills (SUM of a range, A+B) are recomputed here. Anything else
raises ``Unsupported`` and the caller falls back to Excel's cached value. (openpyxl, like
every reader, keeps a formula's text and Excel's cached result; none computes formulas.)

Each formula text is parsed once into a small program (``compiled``): every workbook of a
format has the same totals, so a batch parses them once, and each workbook runs them on
its own cells.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal, DecimalException, localcontext
from typing import Any

from make_report.core.layout import col_letter, split_address

TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+)|(?P<func>SUM)\(|(?P<op>[-+*/(),]))",
    re.IGNORECASE,
)
ERROR = re.compile(r"#(REF!|DIV/0!|VALUE!|NAME\?|N/A|NUM!|NULL!)")
MAX_NESTING = 64
"""Excel's own limit on nested parentheses and functions."""
MAX_RANGE = 10_000
"""Cells a SUM range may cover here; larger ones fall back to Excel's cached value."""
MAX_FORMULA = 8192
"""Characters in a formula: Excel's own limit."""
EXCEL_DIGITS = 15
"""Significant digits Excel keeps of a result (a double, shown to 15 digits)."""


class Unsupported(ValueError):
    """A formula this evaluator does not handle."""


class FormulaError(ValueError):
    """A formula that is an Excel error (#REF!, #DIV/0!)."""


class TooComplex(Unsupported):
    """A workbook whose formulas together refer to more cells than any report needs."""


Lookup = Callable[[str], Decimal]


def evaluate(formula: str, lookup: Lookup) -> Decimal:
    """The value of ``formula``, each cell it refers to read with ``lookup``.

    A formula's text is parsed once into a program (``compiled``, shared by every
    workbook: the same few dozen totals recur in all of them); running it looks the cells
    up, in the order and number the formula names them, so what one workbook holds never
    reaches another, and a workbook's work cap counts every look-up as before."""
    program = compiled(formula)
    stack: list[Any] = []
    push, pop = stack.append, stack.pop
    try:
        for op, arg in program:
            if op == REF:
                push(lookup(arg))
            elif op == NUM:
                push(arg)
            elif op == ADD:
                rhs = pop()
                push(pop() + rhs)
            elif op == SUB:
                rhs = pop()
                push(pop() - rhs)
            elif op == MUL:
                rhs = pop()
                push(pop() * rhs)
            elif op == DIV:
                rhs = pop()
                if rhs == 0:
                    raise FormulaError("#DIV/0!")
                push(pop() / rhs)
            elif op == RANGE:
                cells = arg if isinstance(arg, tuple) else expand(arg)
                push(sum((lookup(c) for c in cells), Decimal(0)))
            elif op == SIGN:
                push(arg * pop())
            elif op == ZERO:
                push(Decimal(0))
            else:  # RAISE: where the formula stops making sense, after what came before
                kind, args = arg
                raise kind(*args)
    except DecimalException:  # beyond Decimal's range: what Excel shows as #NUM!
        raise FormulaError("#NUM!") from None
    return as_excel(stack[-1])


REF, NUM, ADD, SUB, MUL, DIV, RANGE, SIGN, ZERO, RAISE = range(10)
"""A compiled formula's operations, on a stack of values (see ``_Compiler``)."""
CACHED_FORMULA = 512
"""Characters of a formula whose program is kept (the totals of a standard workbook
have a few dozen); a longer one is compiled each time, so a hostile workbook cannot
fill the memory with programs."""
CACHED_CELLS = 1024
"""Cells of SUM ranges kept expanded in one program (the rest are expanded on each run),
so the cached programs together hold at most a few MB whatever the workbooks."""

Program = tuple[tuple[int, Any], ...]


def compiled(formula: str) -> Program:
    """The program of ``formula``: what evaluating it does, in order, ending with the
    error it raises if it has one (and ``Unsupported`` from the start for what the
    evaluator never handles)."""
    if len(formula) <= CACHED_FORMULA:
        return _cached(formula)
    return _compile(formula)


@functools.lru_cache(maxsize=256)
def _cached(formula: str) -> Program:
    return _compile(formula)


def _compile(formula: str) -> Program:
    body = formula.lstrip("=").strip()
    try:
        if len(body) > MAX_FORMULA:
            raise Unsupported("length")
        if m := ERROR.search(body):
            raise FormulaError(m.group(0))
        tokens = _tokenize(body)
    except (Unsupported, FormulaError) as exc:
        return ((RAISE, (type(exc), exc.args)),)
    compiler = _Compiler(tokens)
    try:
        compiler.expr()
        if compiler.pos != len(tokens):
            raise Unsupported(body)
    except (Unsupported, FormulaError) as exc:
        compiler.ops.append((RAISE, (type(exc), exc.args)))
    return tuple(compiler.ops)


def as_excel(value: Decimal) -> Decimal:
    """A result as Excel holds it: 15 significant digits, so ``=1/3*3`` is 1 (exactly
    what Decimal's 28 digits would make 0.999…). Shorter results stay as they are."""
    if not value.is_finite() or len(value.as_tuple().digits) <= EXCEL_DIGITS:
        return value
    with localcontext() as ctx:
        ctx.prec = EXCEL_DIGITS
        return +value


def _tokenize(body: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(body):
        m = TOKEN.match(body, pos)
        if not m or m.end() == pos:
            if body[pos:].strip() == "":
                break
            raise Unsupported(body)
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind).replace("$", "").upper()))
        pos = m.end()
    return out


class _Compiler:
    """A recursive-descent parser that, instead of computing, writes down each step of
    the computation in the order a direct evaluation would take it (look-ups, then the
    operation on their values), so running the program is that evaluation."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.pos = tokens, 0
        self.depth = 0
        self.ops: list[tuple[int, Any]] = []
        self.cells = CACHED_CELLS

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.pos += 1
        return tok

    def expr(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise Unsupported("nesting")
        self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            self.term()
            self.ops.append((ADD if op == "+" else SUB, None))
        self.depth -= 1

    def term(self) -> None:
        self.factor()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            self.factor()
            self.ops.append((MUL if op == "*" else DIV, None))

    def factor(self) -> None:
        kind, text = self.take()
        if kind == "num":
            self.ops.append((NUM, Decimal(text)))
            return
        if kind == "ref":
            self.ops.append((REF, text))
            return
        if kind == "func":
            self.sum_args()
            return
        if (kind, text) in (("op", "-"), ("op", "+")):
            sign = -1 if text == "-" else 1
            while self.peek() in (("op", "-"), ("op", "+")):
                sign = -sign if self.take()[1] == "-" else sign
            self.factor()
            self.ops.append((SIGN, sign))
            return
        if (kind, text) == ("op", "("):
            self.expr()
            if self.take() != ("op", ")"):
                raise Unsupported(text)
            return
        raise Unsupported(text)

    def sum_args(self) -> None:
        self.ops.append((ZERO, None))
        while True:
            kind, text = self.peek()
            if kind == "range":
                self.take()
                cells = expand(text)
                self.cells -= len(cells)
                self.ops.append((RANGE, tuple(cells) if self.cells >= 0 else text))
            else:
                self.expr()
            self.ops.append((ADD, None))
            kind, text = self.take()
            if text == ")":
                return
            if text != ",":
                raise Unsupported(text)


def expand(cell_range: str) -> list[str]:
    """D8:F9 -> D8, E8, F8, D9, E9, F9."""
    first, _, last = cell_range.partition(":")
    (c1, r1), (c2, r2) = split_address(first), split_address(last or first)
    c1, c2, r1, r2 = min(c1, c2), max(c1, c2), min(r1, r2), max(r1, r2)  # B2:A1 is A1:B2
    if (c2 - c1 + 1) * (r2 - r1 + 1) > MAX_RANGE:
        raise Unsupported(cell_range)
    return [f"{col_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

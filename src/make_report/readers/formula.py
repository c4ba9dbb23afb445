"""A tiny, safe evaluator for the formulas people put in count cells.

A workbook written by a program and never opened in Excel has no cached values, so the
totals the template pre-fills (SUM of a range, A+B) are recomputed here. Anything else
raises ``Unsupported`` and the caller falls back to Excel's cached value. (openpyxl, like
every reader, keeps a formula's text and Excel's cached result; none computes formulas.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, DecimalException, localcontext

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
    body = formula.lstrip("=").strip()
    if len(body) > MAX_FORMULA:
        raise Unsupported("length")
    if m := ERROR.search(body):
        raise FormulaError(m.group(0))
    tokens = _tokenize(body)
    parser = _Parser(tokens, lookup)
    try:
        value = parser.expr()
    except DecimalException:  # beyond Decimal's range: what Excel shows as #NUM!
        raise FormulaError("#NUM!") from None
    if parser.pos != len(tokens):
        raise Unsupported(body)
    return as_excel(value)


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


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup) -> None:
        self.tokens, self.lookup, self.pos = tokens, lookup, 0
        self.depth = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.pos += 1
        return tok

    def expr(self) -> Decimal:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise Unsupported("nesting")
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            value = value + self.term() if op == "+" else value - self.term()
        self.depth -= 1
        return value

    def term(self) -> Decimal:
        value = self.factor()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            rhs = self.factor()
            if op == "/" and rhs == 0:
                raise FormulaError("#DIV/0!")
            value = value * rhs if op == "*" else value / rhs
        return value

    def factor(self) -> Decimal:
        kind, text = self.take()
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            return self.lookup(text)
        if kind == "func":
            return self.sum_args()
        if (kind, text) in (("op", "-"), ("op", "+")):
            sign = -1 if text == "-" else 1
            while self.peek() in (("op", "-"), ("op", "+")):
                sign = -sign if self.take()[1] == "-" else sign
            return sign * self.factor()
        if (kind, text) == ("op", "("):
            value = self.expr()
            if self.take() != ("op", ")"):
                raise Unsupported(text)
            return value
        raise Unsupported(text)

    def sum_args(self) -> Decimal:
        total = Decimal(0)
        while True:
            kind, text = self.peek()
            if kind == "range":
                self.take()
                total += sum((self.lookup(c) for c in expand(text)), Decimal(0))
            else:
                total += self.expr()
            kind, text = self.take()
            if text == ")":
                return total
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

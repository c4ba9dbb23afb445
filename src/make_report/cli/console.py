"""Findings shown to a clerk: a table in Chinese, errors first, then a one-line verdict.

Everything a clerk or a workbook supplies (messages quoting cells, file and agency names)
is printed as plain text (or given to rich as ``Text``, never as markup): ``报告[b].xlsx``
and ``收到[/b]申请`` print as typed, and cannot break or restyle the output.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from itertools import groupby
from typing import Any

from make_report.checks.verdict import verdict_sentence
from make_report.core.findings import SEVERITY_ZH, Findings
from make_report.core.safe import visible

ORDER = {"error": 0, "warning": 1, "info": 2}
STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
TONE = {"error": "bold red", "warning": "yellow", "ok": "green"}


def make_console(stderr: bool = False) -> Any:
    """A console that prints text as given: no markup, emoji codes or highlighting.

    A terminal's own width is used (or COLUMNS when set); output to a file or pipe gets
    160 columns."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    sized = stream.isatty() or os.environ.get("COLUMNS", "").isdigit()
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False,
                   width=None if sized else 160)


def shown(text: str, style: str = "") -> Any:
    """Text for the terminal as rich ``Text``: never markup, never a control character."""
    from rich.text import Text

    return Text(visible(text), style=style)


def print_findings(findings: Findings, name: str, overall: str = "") -> None:
    """The findings as a table (errors first), then the verdict, on standard output.

    Laid out here rather than by rich, which takes longer to load than a check takes to
    run; the same table as rich draws. On a Windows terminal rich still draws it, for its
    handling of the console's colours."""
    items = sorted(findings, key=lambda f: ORDER[f.severity])
    stream = sys.stdout
    tty = stream.isatty()
    if tty and os.name == "nt":
        _print_findings_rich(items, findings, name, overall)
        return
    colour = tty and "NO_COLOR" not in os.environ
    lines: list[str] = []
    if items:
        rows = [((SEVERITY_ZH[f.severity], STYLE[f.severity]), (visible(f.rule), ""),
                 (visible(f.message), ""))
                for f in items]
        lines += table(("级别", "规则", "位置与说明"), rows, _width(stream), colour)
    text, style = verdict_text(findings, name, overall)
    lines.append(_paint(text, style, colour))
    stream.write("\n".join(lines) + "\n")
    stream.flush()


def _width(stream: Any) -> int:
    """The terminal's columns (or COLUMNS); 160 for a file or pipe, as make_console."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if stream.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 160


ANSI = {"bold red": "1;31", "yellow": "33", "green": "32", "dim": "2", "bold": "1"}


def _paint(text: str, style: str, colour: bool) -> str:
    return f"\x1b[{ANSI[style]}m{text}\x1b[0m" if colour and style else text


def cells(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns: broken between words or Chinese characters,
    a word longer than a line folded; nothing is ever cut off."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in tokens(paragraph):
            if cells(line + token) <= width:
                line += token
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = "" if token.isspace() else token
            while cells(line) > width:  # a word longer than a whole line
                cut = len(line)
                while cells(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:max(cut, 1)])
                line = line[max(cut, 1):]
        lines.append(line.rstrip())
    return lines


def tokens(text: str) -> list[str]:
    r"""What ``wrap`` breaks between: runs of spaces, runs of other characters, each wide
    (U+2E80 and above in the BMP: Chinese) character alone. The same as
    ``re.findall(r"\s+|[^\s\u2e80-\uffff]+|.", text)`` on a line, without compiling that
    class of 53,000 characters (2 ms) on every run."""
    out: list[str] = []
    for kind, group in groupby(text, _kind):
        if kind == 2:
            out.extend(group)
        else:
            out.append("".join(group))
    return out


def _kind(ch: str) -> int:
    return 0 if ch.isspace() else 2 if "\u2e80" <= ch <= "\uffff" else 1


def table(headers: tuple[str, ...], rows: list[tuple[tuple[str, str], ...]], width: int,
          colour: bool) -> list[str]:
    """rich's default table (heavy head): the last column takes what room is left and
    wraps; the others keep their width."""
    widths = [max([cells(h)] + [cells(row[i][0]) for row in rows])
              for i, h in enumerate(headers)]
    room = width - sum(widths[:-1]) - 3 * len(headers) - 1
    widths[-1] = max(8, min(widths[-1], room))

    def line(left: str, fill: str, mid: str, right: str) -> str:
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def row(cols: list[tuple[list[str], str]], bar: str) -> list[str]:
        height = max(len(c[0]) for c in cols)
        out = []
        for k in range(height):
            parts = []
            for (texts, style), w in zip(cols, widths, strict=True):
                text = texts[k] if k < len(texts) else ""
                parts.append(" " + _paint(text, style, colour) + " " * (w - cells(text)) + " ")
            out.append(bar + bar.join(parts) + bar)
        return out

    out = [line("┏", "━", "┳", "┓")]
    out += row([([h], "bold") for h in headers], "┃")
    out.append(line("┡", "━", "╇", "┩"))
    for r in rows:
        out += row([(wrap(text, w), style) for (text, style), w in zip(r, widths, strict=True)],
                   "│")
    out.append(line("└", "─", "┴", "┘"))
    return out


def _print_findings_rich(items: list, findings: Findings, name: str, overall: str) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    if items:
        table = Table(show_lines=False, header_style="bold")
        table.add_column("级别", no_wrap=True)
        table.add_column("规则", no_wrap=True)
        table.add_column("位置与说明", overflow="fold")  # wrap a long one, never cut it
        for f in items:
            table.add_row(Text(SEVERITY_ZH[f.severity], style=STYLE[f.severity]),
                          Text(f.rule), shown(f.message))
        console.print(table)
    console.print(verdict(findings, name, overall))


def verdict_text(findings: Findings, name: str, overall: str = "") -> tuple[str, str]:
    """The one-line summary (``checks.verdict.verdict_sentence``, the desk's too) and its
    style (bold red, yellow or green)."""
    text, tone = verdict_sentence(findings, name, overall)
    return text, TONE[tone]


def print_ratios(ratios: list) -> None:
    """One line of the key ratios under the findings: 主要比率:实质公开率 50.0%(3/6);…
    (wrapped to the terminal, as rich did, without loading it)."""
    if ratios:
        text = visible("主要比率:" + ";".join(f"{r.name} {r.shown}" for r in ratios))
        sys.stdout.write("\n".join(wrap(text, _width(sys.stdout))) + "\n")
        sys.stdout.flush()


def verdict(findings: Findings, name: str, overall: str = "") -> Any:
    """The one-line summary, as rich ``Text`` (its ``.plain`` is the sentence). A published
    report passes only when every rule holds (``overall`` 一致)."""
    from rich.text import Text

    text, style = verdict_text(findings, name, overall)
    return Text(text, style=style)

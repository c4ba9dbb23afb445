"""The catalogue as a clerk reads it: the README's rule table, generated, never hand-written.

``python -m make_report.rules.docs README.md`` rewrites the block between the markers; a test
fails when the README and the catalogue differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from make_report.core.findings import SEVERITY_ZH
from make_report.rules.catalogue import RULES

START = "<!-- rules:start (generated from src/make_report/rules; python -m make_report.rules.docs README.md) -->"
END = "<!-- rules:end -->"


def markdown_table() -> str:
    """Every rule of the catalogue as a Markdown table, in catalogue order."""
    lines = ["| 规则 | 级别 | 名称 | 说明 |", "|---|---|---|---|"]
    for r in RULES.values():
        lines.append(f"| {r.id} | {SEVERITY_ZH[r.severity]} | {r.title} | {_cell(r.explain)} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def with_table(readme: str) -> str:
    """``readme`` with the block between the markers replaced by the current table."""
    head, start, rest = readme.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"README has no {START} … {END} block")
    return f"{head}{START}\n{markdown_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0] if args else "README.md")
    text = path.read_text(encoding="utf-8")
    new = with_table(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

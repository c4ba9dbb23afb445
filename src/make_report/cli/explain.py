"""``make-report explain [RULE]``: the rule catalogue, as a table or one rule at a time."""

from __future__ import annotations

from make_report.cli.console import STYLE, make_console
from make_report.core.errors import InputError
from make_report.core.findings import SEVERITY_ZH
from make_report.rules import RULES, Rule


def find_rule(name: str) -> Rule:
    """The rule called ``name`` (a2 is A2), or an InputError naming the rules there are."""
    found = RULES.get(name.strip().upper())
    if found is None:
        raise InputError(f"没有“{name}”这条规则。现有的规则:{'、'.join(RULES)};"
                         "用 make-report explain 查看全部规则的说明。")
    return found


def wordings(r: Rule) -> list[str]:
    """Each message the rule can give, its values shown as …, without the place."""
    import string

    out = []
    for template in [r.message, *r.wordings.values()]:
        if not template:
            continue
        parts = []
        for literal, field, _, _ in string.Formatter().parse(template):
            parts.append(literal.replace("{", "{{").replace("}", "}}"))
            if field and field != "place":
                parts.append("…")
        out.append("".join(parts).format().strip().lstrip(":"))
    return out


def explain(name: str | None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    if name is not None:
        r = find_rule(name)
        console.print(Text(f"{r.id} {r.title}", style="bold"),
                      Text(f"({SEVERITY_ZH[r.severity]},{r.family})", style=STYLE[r.severity]))
        console.print(Text(r.explain))
        shapes = wordings(r)
        if len(shapes) > 1:
            console.print(Text("提示的几种写法(… 处为具体的单元格、名称或数字):"))
            for shape in shapes:
                console.print(Text(f"  · {shape}"))
        return
    table = Table(header_style="bold", show_lines=False)
    for column in ("规则", "级别", "名称", "说明"):
        table.add_column(column, no_wrap=column != "说明", overflow="fold")
    for r in RULES.values():
        table.add_row(Text(r.id), Text(SEVERITY_ZH[r.severity], style=STYLE[r.severity]),
                      Text(r.title), Text(r.explain))
    console.print(table)
    console.print(Text("用 make-report explain 规则(如 A2)只看一条规则的说明。"))

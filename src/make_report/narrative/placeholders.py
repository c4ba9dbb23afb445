"""What a ``{{ … }}`` may print: one number or a piece of text, never program data.

``全年新收申请{{ 依申请.本年新收 }}件`` (the column left off) would otherwise print the whole
row as ``{'自然人': 57, …}`` into the report. Every value a placeholder prints passes
``printable`` first; anything else (a row, a table, a list, a yes/no, nothing at all) is
refused with a Chinese sentence that names it and suggests the nearest names that work.
``check`` and the report render through the same code, so they always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from jinja2 import Undefined

from make_report.narrative.names import TOTAL, NameList, Names

_MAX_SHOWN = 12


class NotPrintable(Exception):
    """A placeholder whose value is not a number or text; ``message`` says why (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def printable(value: object) -> object:
    """``value`` if a placeholder may print it; raises ``NotPrintable`` otherwise."""
    if isinstance(value, Undefined):  # an unknown name: its own message, when printed
        return value
    if isinstance(value, bool):
        raise NotPrintable("模板中 {{ }} 的结果是一个判断(真或假),不是数字或文字;"
                           "如需按条件写文字,请用 {% if … %}…{% endif %}")
    if isinstance(value, int | Decimal | float | str):
        return value
    if isinstance(value, Names | NameList):
        raise NotPrintable(_level(value))
    if value is None:
        raise NotPrintable("模板中 {{ }} 的结果是空值,不是数字或文字")
    if isinstance(value, Mapping | list | tuple | set | frozenset | range):
        raise NotPrintable("模板中 {{ }} 的结果是一组数据,不是一个数字或一段文字;"
                           "请写明要引用的那一个数")
    raise NotPrintable("模板中 {{ }} 的结果不是数字或文字,请引用表格中的一个数,或直接写文字")


def _level(value: Names | NameList) -> str:
    """“依申请.本年新收”是一整行…请写明列,例如 {{ 依申请.本年新收.总计 }}"""
    name = value.path or "全部数据"
    if not value:
        return f"模板中的“{name}”是空的,没有可以写入报告的数字"
    example = _example(value)
    if isinstance(value, NameList):
        return (f"模板中的“{name}”是一整行数字(共{len(value)}列),不是一个数;"
                f"请写明列,例如 {{{{ {example} }}}}(列号 0—{len(value) - 1})")
    nested = any(isinstance(v, Names | NameList) for v in value.values())
    keys = list(value)
    shown = "、".join(map(str, keys[:_MAX_SHOWN])) + ("等" if len(keys) > _MAX_SHOWN else "")
    if nested:
        what, ask, options = "一整张表", "请写明行和列", "可写的行"
    else:
        what, ask, options = "一整行数字", "请写明列", "可写的列"
    return (f"模板中的“{name}”是{what},不是一个数;{ask},"
            f"例如 {{{{ {example} }}}}({options}:{shown})")


def _example(value: object) -> str:
    """The nearest single number below ``value``: its 总计 if it has one, else its first."""
    path = ""
    for _ in range(10):
        if isinstance(value, NameList) and value:
            path, value = f"{value.path}[{len(value) - 1}]", value[-1]
        elif isinstance(value, Names) and value:
            key = TOTAL if TOTAL in value else next(iter(value))
            path, value = _child(value.path, str(key)), value[key]
        else:
            break
    return path


def _child(path: str, key: str) -> str:
    """``path.key``, or ``path["key"]`` for a key that is not a plain name."""
    if not key.isidentifier():
        return f'{path}["{key}"]'
    return f"{path}.{key}" if path else key

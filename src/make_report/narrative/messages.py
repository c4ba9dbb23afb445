"""What goes wrong in a narrative template, in the Chinese a clerk reads.

Jinja says what went wrong in English; these translate its usual slips and Python's
runtime errors, and list the names a template could have meant. Nothing English reaches
the clerk: an unforeseen message becomes a general hint.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Mapping

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SecurityError

from make_report.narrative.names import NameList, Names
from make_report.narrative.sandbox import TooMuch, UnknownName

MAX_OPTIONS = 30
"""Names listed at most when a template names one that does not exist."""
_RUNTIME: tuple[tuple[type[BaseException], str], ...] = (
    (ZeroDivisionError, "除数为0"), (OverflowError, "数值过大"), (decimal.Overflow, "数值过大"),
    (RecursionError, "嵌套或递归过深"), (MemoryError, "内容过多"),
    (TypeError, "类型不符,如数字与文字相加"), (ValueError, "数值有误"), (ArithmeticError, "数值有误"))


def runtime(exc: BaseException) -> str:
    """Why a template could not be computed, in Chinese (Python's English stays out)."""
    text = str(exc)
    if isinstance(exc, TooMuch):
        return text
    if "no loader" in text:
        return "单元格中的模板不能引用其他模板文件(include、import、extends)"
    if "non-namespace" in text:
        return "只能给 namespace() 的属性赋值"
    for kind, reason in _RUNTIME:
        if isinstance(exc, kind):
            return reason
    return "计算出错,请检查模板的写法"


def security(exc: SecurityError) -> str:
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


def syntax(exc: TemplateSyntaxError) -> str:
    """The usual slips in Chinese; Jinja's English never reaches the clerk."""
    text = exc.message or ""
    for pattern, say in _SYNTAX:
        if found := re.search(pattern, text, re.S):
            return say(found)
    return "写法有误,请检查 {{ }}、{% %} 是否成对,名称和符号是否写错"


def unknown(exc: UnknownName, ctx: Mapping) -> tuple[str, str, str]:
    """The name a template could not find: its full path, the missing part, and the names
    it could have meant (empty when there are none); rule J1 words them."""
    owner = exc.owner
    if isinstance(owner, Names):
        path = f"{owner.path}.{exc.name}" if owner.path else str(exc.name)
        options = "、".join(str(k) for k in list(owner)[:MAX_OPTIONS])
        more = "等" if len(owner) > MAX_OPTIONS else ""
    elif isinstance(owner, NameList):
        path, options, more = f"{owner.path}.{exc.name}", f"0—{len(owner) - 1}", ""
    else:  # a top-level name
        path, more = str(exc.name), ""
        options = "、".join(k for k in ctx if not k.isascii())
    return path, str(exc.name), f"{options}{more}" if options else ""

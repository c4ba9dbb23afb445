"""Rules on the narrative text: numbers it states and placeholders it cites."""

from make_report.rules.spec import R

FAMILY = "正文"

RULES = (
    R("T1", "warning", "正文数字与表格不符",
      "{place} 文中{what}为 {found},与表格数字 {expected} 不一致",
      "正文里写的数字(例如“收到政府信息公开申请6件”)与表格不一致。请核对哪一处是对的;"
      "最稳妥的写法是在正文中引用表格数字,例如 {{ 依申请.本年新收.总计 }}。"),
    R("J1", "error", "正文引用写法有误",
      "",
      "正文中 {{ … }} 引用表格数字的写法有误:名称不存在、少写了列、括号不成对等。"
      "请按提示改正,可用的名称见 templates/narrative/README.md。",
      (("syntax", "{place} 模板语法有误(第{line}行):{detail}"),
       ("unknown", "{place} 模板中的“{path}”无法识别:没有“{name}”,可用:{options}"),
       ("unknown_bare", "{place} 模板中的“{path}”无法识别:没有“{name}”"),
       ("unsafe", "{place} 模板中有不允许的操作:{detail}"),
       ("not_printable", "{place} {detail}"),
       ("runtime", "{place} 模板无法计算:{detail}"))),
)

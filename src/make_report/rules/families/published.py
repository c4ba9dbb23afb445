"""Auditing published reports: tables not completely read, cells run together, the
workbook of an incomplete import, and what the audit of a whole folder says."""

from make_report.rules.spec import R

FAMILY = "已发布报告"

RULES = (
    R("P1", "error", "表格未能完整读出",
      "",
      "已发布报告的这张表有的格子读不出(或为空白),这些格子留空,不按 0 计;涉及这些格子的"
      "勾稽关系无法判断,所以不能判定报告一致。请对照原报告补填。",
      (("extra", "{place} 有 {count} 个数字({numbers})无法对应到官方表格的单元格,"
                 "表格未能完整读出,读出的数字可能错位,请对照原报告核对"),
       *((kind + tail, "{place} " + what + "(共 {total} 格留空,不按 0 计" + blanks
          + "),涉及这些格子的勾稽关系无法判断")
         for kind, what in (("whole", "整张表未能读出"), ("rows", "{rows}未能完整读出"))
         for tail, blanks in (("", ""), ("_blanks", ",其中 {blank} 格在报告中为空白"))))),
    R("P2", "error", "导入未完成的工作簿",
      "{place} 本工作簿由已发布的报告导入,导入时以下单元格未能读出、留空:{cells_named}。"
      "请对照原报告补填这些单元格,然后删除本行说明",
      "工作簿是从已发布的报告导入的,但当时有的格子没能读出。在补填并删除这一行说明之前,"
      "工作簿中的空格并不是 0,检查不能算通过。"),
    R("P3", "warning", "数字连在一起,有多种拆法",
      "{place} 数字连在一起(“{found}”),有 {count} 种拆法都符合列数、勾稽关系和计数不以 0 开头:{candidates};"
      "无法确定的格子留空",
      "网页或复制的文本中,表格一行的数字之间没有分隔,本工具按列数、勾稽关系和“计数不以 0 开头”"
      "拆分。有几种拆法都说得通时不作猜测,请对照原报告填写。"),
    R("P4", "error", "数字连在一起,怎样拆都不满足勾稽关系",
      "{place} 数字连在一起(“{found}”),无论怎样拆成 {count} 格都不满足{rules};"
      "这些格子留空",
      "表格一行的数字之间没有分隔,而任何一种拆法都不满足勾稽关系:不论原表各格是多少,"
      "这一行都有错。请对照原报告核对。"),
    R("P5", "info", "数字连在一起,已拆开",
      "{place} 数字连在一起(“{found}”),只有一种拆法符合列数和勾稽关系,已读作 {expected}",
      "表格一行的数字之间没有分隔;只有一种拆法同时满足列数、勾稽关系和计数不以 0 开头,"
      "已按这种拆法读取。"),
)

"""What reading an input found: basic information, blank cells, empty sections, imports."""

from make_report.rules.spec import R

FAMILY = "读取"

RULES = (
    R("M1", "error", "基本信息有误",
      "",
      "基本信息表中的机关名称、报告年度必须填写且有效;它们决定报告标题和所用的官方格式。",
      (("blank", "{place} {name}未填写"),
       ("year", "{place} {name}应为四位年份,实为“{shown}”"))),
    R("M2", "warning", "成文日期无法识别",
      "",
      "成文日期应写成 2025年1月20日 或 2025-01-20 这样的日期;无法识别时报告落款不写日期。",
      (("cell", "{place} 成文日期“{found}”无法识别,落款将不写日期;请写作如 2025-01-20 或 2025年1月20日"),
       ("json", "{place} 成文日期{shown}无法识别,落款将不写日期;请写作如 2025-01-20"))),
    R("B1", "info", "空白按 0 计",
      "",
      "表格中没有填写的格子按 0 计算。如果确实为 0,可以不填;如果漏填,请补上。",
      (("cells", "{place} 有 {count} 个空白单元格,按 0 计"), ("missing", "{place} 缺少数值,按 0 计"))),
    R("B2", "warning", "文字部分未填写",
      "{place} “{section}”尚未填写内容",
      "该部分的文字没有填写,报告中这一节将是空的。请补写正文。"),
    R("B3", "info", "标题下没有段落",
      "{place} 标题 {headings} 下没有段落,未写入报告",
      "文字部分填写了二级标题,但标题下面没有正文段落;这样的标题不写入报告。"
      "如需保留,请在标题下补写正文。"),
    R("I1", "warning", "导入时读不出",
      "",
      "导入已发布的报告时,有的格子读不出或读出的内容不是数字;这些格子留空,绝不编造数字。"
      "请对照原报告补填。",
      (("blank", "{place} 单元格为空白,未读取(不按 0 计)"),
       ("blank_text", "{place} 单元格为“{text}”,未读取(不按 0 计)"),
       ("not_number", "{place} 不是数字(“{text}”),未读取"),
       ("extra_number", "{place} 多出的数字“{text}”无法对应到官方表格的单元格,未读取"),
       ("no_section", "{place} 未找到“{section}”一节,表{number}未读取"),
       ("row_short", "{place} “{label}”一行只找到 {count} 个数({numbers}),应有 {width} 个,"
                     "无法确定各自所在的列,该行未读取"),
       ("row_crowded", "{place} “{label}”一行有 {count} 格({numbers}),多于应有的 {width} 格,"
                       "无法确定哪一格是多出的,该行未读取"),
       ("row_wrapped", "{place} “{label}”一行的数字连在一起,其后另起一行的数字(“{numbers}”)"
                       "既可能是这一行折行的部分,也可能是下一行(其标签不在此处),无法确定,未读取"),
       ("row_missing", "{place} 未找到“{label}”一行的数字,该行未读取"),
       ("run_too_many", "{place}的数字连在一起(“{text}”),可能的拆法太多,该行未读取"),
       ("no_numbers", "{place} 未找到数字,未读取"),
       ("table_short", "{place} 只找到 {count} 个数,应有 {width} 个,无法确定各自所在的列,未读取"),
       ("bad_date", "{place} 落款日期“{text}”不是有效日期,未读取"))),
    R("I2", "warning", "与官方格式不一致",
      "",
      "已发布的报告与官方格式有出入(例如缺少标题、表格的行或列与官方不同、数字顺序错乱),"
      "导入时已按最接近的方式读取,请核对。",
      (("no_title", "{place} 未找到标题“<机关名称><年度>年{title}”,"
                    "报告年度按正文中最常出现的年份读作 {year} 年,请核对"),
       ("no_agency", "{place} 未找到机关名称(标题和落款中都没有),请补填"),
       ("format_year", "{place} 报告年度为 {year} 年,但表二使用的是{format},已按表二的格式读取"),
       ("other_rows", "{place} 表三的“(六)其他处理”等行按{theirs}填报,与{ours}不同:"
                      "{names} 无法从报告中读出,未读取;报告中的数字另行保留"),
       ("wide_row", "{place} 数据行有 {count} 格,多于官方的 {width} 格;若其中的空白格只是网页排版"
                    "多出的格子,则各格依次为 {numbers},各组总计均与各项之和相符。"
                    "已按空白格读取,请对照原表核对"),
       ("split_by_headers", "{place} 数字被表头文字隔开,已按出现的顺序读取,请核对"),
       ("reordered", "{place} 数字在文本中顺序错乱,已按{how}复原,请核对"),
       ("reordered_unsure", "{place} 数字在文本中顺序错乱,已按{how}复原"))),
    R("I3", "info", "导入说明",
      "",
      "导入已发布的报告时的说明:例如行标签的写法与官方略有不同、某一节或落款日期没有找到、"
      "某些勾稽关系因格子未读出而未作判断。一般无需处理,可对照原报告核对。",
      (("own_label", "{place} 行标签“{own}”与官方表格的“{label}”不一致,已按该行读取"),
       ("unlabelled", "{place} {names}的数字前没有对应的行标签(标签错位或缺失),"
                      "已按官方表格的行序读取,请核对"),
       ("run_by_claims", "{place}的数字连在一起,按正文所述“{said}”选定拆法,请核对"),
       ("no_block_title", "{place} 未见“{title}”的标题"),
       ("no_column", "{place} {block}表头中未见“{label}”(缺失或写法不同),按官方列序读取"),
       ("agency_from_signer", "{place} 标题中没有机关名称,按落款读作“{signer}”"),
       ("no_section", "{place} 未找到“{section}”一节"),
       ("no_date", "{place} 未找到落款日期"),
       ("skipped", "{place} 有 {count} 项勾稽关系或文字核对涉及未能读取的单元格,未作判断"))),
)

"""国办公开办函〔2019〕60号: the trial format for report years 2019 and 2020, as data.

Tables 三 and 四 are those of 2021 except that (六)其他处理 is one row; table 二 differs,
so neither Y2 (现行有效件数) nor the T1 claims and key figure about table 二 apply.
"""

from make_report.core.spec import Block, BlockTable, Column, Format, Row
from make_report.formats.f2021 import (
    CLAIMS,
    FIGURES,
    OTHER,
    R1,
    RESULTS,
    REVIEW_LITIGATION,
    applications_equations,
    applications_table,
    carried_over,
    ratios,
    sections,
)

OTHER_ROWS_2019 = (Row("other_processing", (RESULTS, OTHER)),)

ITEMS = (Column("last_year", "上一年项目数量"), Column("change", "本年增/减", "signed"),
         Column("decisions", "处理决定数量"))

ACTIVE_2019 = BlockTable("active_disclosure", "active_disclosure", "信息内容", (
    Block("article_20_1", "第二十条第(一)项",
          (Column("new_made", "本年新制作数量"), Column("new_published", "本年新公开数量"),
           Column("total_published", "对外公开总数量")),
          (Row("regulations", ("规章",)), Row("normative_documents", ("规范性文件",)))),
    Block("article_20_5", "第二十条第(五)项", ITEMS,
          (Row("licensing", ("行政许可",)), Row("other_services", ("其他对外管理服务事项",)))),
    Block("article_20_6", "第二十条第(六)项", ITEMS,
          (Row("punishment", ("行政处罚",)), Row("enforcement", ("行政强制",)))),
    Block("article_20_8", "第二十条第(八)项", ITEMS[:2],
          (Row("fees", ("行政事业性收费",)),)),
    Block("article_20_9", "第二十条第(九)项",
          (Column("projects", "采购项目数量"),
           Column("amount_10k_yuan", "采购总金额", "amount")),
          (Row("procurement", ("政府集中采购",)),)),
), width=3)

APPLICATIONS_2019 = applications_table(OTHER_ROWS_2019)

FORMAT = Format(
    id="2019",
    name="2019年试行格式(国办公开办函〔2019〕60号)",
    short_name="2019年试行格式",
    years=(2019, 2020),
    sections=sections(
        ("(一)主动公开", "(二)依申请公开", "(三)政府信息管理",
         "(四)平台建设", "(五)监督保障"),
        ("(一)存在的主要问题", "(二)改进措施"),
        ("(一)信息处理费收取情况", "(二)其他事项"),
    ),
    tables=(ACTIVE_2019, APPLICATIONS_2019, REVIEW_LITIGATION),
    equations=(*applications_equations(OTHER_ROWS_2019), R1),
    year_rules=(carried_over(APPLICATIONS_2019),),
    claims=CLAIMS,
    key_figures=FIGURES,
    ratios=ratios(APPLICATIONS_2019),
)

"""Write the example office template (本单位模板示例.docx) and the report it gives.

Run: .venv/bin/python example_inputs/make_docx_template.py
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from make_report import api

HERE = Path(__file__).parent
TEMPLATE = HERE / "本单位模板示例.docx"
WORKBOOK = HERE / "示例县2024_完整示例.xlsx"
REPORT = HERE / "示例县2024_本单位模板生成.docx"


def main() -> None:
    for path in (TEMPLATE, REPORT):
        path.unlink(missing_ok=True)
    starter = api.docx_template(TEMPLATE, year=2024)
    doc = docx.Document(str(starter))
    body = doc.element.body
    cover = [("{{ 机关名称 }}", 26), ("{{ 年度 }}年政府信息公开工作年度报告", 22), ("", 16),
             ("{{ 机关名称 }}办公室编", 16)]
    first = doc.paragraphs[0]
    for text, size in cover:
        p = first.insert_paragraph_before()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(48)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = size > 20
    p = first.insert_paragraph_before()
    p.add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    fixed = next(p for p in doc.paragraphs if p.text == "{{ 落款 }}")
    note = fixed.insert_paragraph_before("本报告电子版可在{{ 机关名称 }}门户网站“政府信息公开”专栏查阅。")
    note.style = fixed.style
    doc.sections[0].header.paragraphs[0].text = "{{ 机关名称 }} · {{ 年度 }}年度政府信息公开"
    del body  # the body was edited through python-docx's proxies
    doc.save(str(TEMPLATE))
    api.build(WORKBOOK, REPORT, docx_template=TEMPLATE)


if __name__ == "__main__":
    main()

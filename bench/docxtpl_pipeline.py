"""The generic way to the same report: read the workbook with openpyxl, fill a docxtpl
template with the same three tables and narrative, save. What make-report is compared with.

    python bench/docxtpl_pipeline.py SPEC.json TEMPLATES_DIR OUTDIR WORKBOOK.xlsx [...]

SPEC.json and the templates are made by bench/compare.py from the format data, so this
script imports only openpyxl and docxtpl (as a hand-written script would).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
from docxtpl import DocxTemplate


def text(value) -> str:
    return "" if value is None else str(value).strip()


def render(spec: dict, templates: Path, source: Path, target: Path) -> None:
    wb = openpyxl.load_workbook(source, data_only=True)
    meta = wb[spec["meta_sheet"]]
    fmt = text(meta[spec["2021"]["meta"]["format"]].value) or "2021"
    form = spec[fmt if fmt in spec else "2021"]
    info = {key: text(meta[cell].value) for key, cell in form["meta"].items()}
    values = {var: wb[sheet][cell].value for var, sheet, cell in form["fields"]}
    context = {**info, "v": {k: "" if v is None else v for k, v in values.items()},
               "title": f"{info['agency']}{info['year']}年政府信息公开工作年度报告"}
    for key, sheet in form["narrative"]:
        ws = wb[sheet]
        entries: list[dict] = []
        for row in ws.iter_rows(min_row=spec["narrative_first_row"], max_col=2, values_only=True):
            heading, paragraph = text(row[0]), text(row[1])
            if heading:
                entries.append({"heading": heading, "paragraphs": []})
            if paragraph:
                if not entries:
                    entries.append({"heading": "", "paragraphs": []})
                entries[-1]["paragraphs"].append(paragraph)
        context[f"s_{key}"] = entries
    doc = DocxTemplate(str(templates / f"{form['id']}.docx"))
    doc.render(context)
    doc.save(str(target))


def main() -> None:
    spec_path, templates, outdir, *workbooks = sys.argv[1:]
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    for path in map(Path, workbooks):
        render(spec, Path(templates), path, Path(outdir) / f"{path.stem}.docx")


if __name__ == "__main__":
    main()

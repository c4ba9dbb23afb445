"""Regenerate the example workbooks (and their reports) from the JSON data beside them.

Run from the repository root:  .venv/bin/python example_inputs/make_examples.py
"""

from __future__ import annotations

from pathlib import Path

from make_report import api

HERE = Path(__file__).parent


def main() -> None:
    for data in sorted((HERE / "data").glob("*.json")):
        workbook = HERE / f"{data.stem}.xlsx"
        api.template(workbook, data=data, force=True)
        result = api.build(workbook, force=False)
        state = "已生成报告" if result.written else f"有 {len(result.check.findings.errors)} 处错误,未生成报告"
        print(f"{workbook.name}: {state}")


if __name__ == "__main__":
    main()

"""Random but consistent report data, for property tests and benchmarks.

Draws every value, then settles the format's own equations (a total takes the sum of its
parts; a balance takes up the difference in its last term), so no rule is restated here.
"""

from __future__ import annotations

import random
from decimal import Decimal

from make_report.core.model import Entry, Report, Value
from make_report.core.spec import Format


def consistent_values(fmt: Format, rng: random.Random, high: int = 20) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for f in fmt.fields:
        if f.kind == "amount":
            values[f.key] = Decimal(rng.randint(0, 10**6)).scaleb(-2)
        elif f.kind == "signed":
            values[f.key] = rng.randint(-high, high)
        else:
            values[f.key] = rng.choice((0, 0, rng.randint(0, high)))
    for _ in range(2):
        for eq in fmt.equations:
            for _line, left, right in fmt.lines(eq):
                diff = sum(values[k] for k in right) - sum(values[k] for k in left)
                if diff > 0 or len(left) == 1:
                    values[left[-1]] += diff
                else:
                    values[right[0]] -= diff
    return values


NARRATIVE = {
    "overview": [Entry("(一)主动公开", ["坚持以公开为常态、不公开为例外,及时主动公开政府信息。"])],
    "problems": [
        Entry("(一)存在的主要问题", ["部分栏目更新不够及时,政策解读的形式还比较单一,"
                                 "依申请公开答复的规范性有待提高。"]),
        Entry("(二)改进情况", ["建立栏目更新提醒机制,丰富政策解读形式,加强业务培训。"
                             "上年度指出的问题已全部整改到位。"]),
    ],
    "other": [Entry("(一)信息处理费收取情况", ["本年度未收取信息处理费。"])],
}
"""Text that passes every content rule and states no number, so no table value can contradict it."""


def consistent_narrative() -> dict[str, list[Entry]]:
    return {key: [Entry(e.heading, list(e.paragraphs)) for e in entries]
            for key, entries in NARRATIVE.items()}


def consistent_report(fmt: Format, seed: int = 0, agency: str = "示例县人民政府") -> Report:
    rng = random.Random(seed)
    year = fmt.years[0] if fmt.years[1] else 2024
    return Report(fmt, agency, year, values=consistent_values(fmt, rng),
                  narrative=consistent_narrative())

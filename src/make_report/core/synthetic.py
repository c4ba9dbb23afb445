"""Random but consistent report data, for property tests and benchmarks.

Draws every value, then settles the format's own equations (a total takes the sum of its
parts; a balance takes up the difference in its last term), so no rule is restated here.
"""

from __future__ import annotations

import random
from decimal import Decimal

from make_report.core.model import Report, Value
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


def consistent_report(fmt: Format, seed: int = 0, agency: str = "示例县人民政府") -> Report:
    rng = random.Random(seed)
    year = fmt.years[0] if fmt.years[1] else 2024
    return Report(fmt, agency, year, values=consistent_values(fmt, rng))

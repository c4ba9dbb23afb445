"""The rule catalogue: every finding id with its severity, title, message and explanation.

Rules are data, like the formats. A check never writes its own sentence: it calls
``finding("A2", place, expected=…, found=…)`` and the catalogue words it. The README's rule
table and ``make-report explain`` are generated from here, so they cannot drift.

Ids: one capital letter for the family, then a number (A1, R1, N1, T1, J1, Y1, M1, I1, B1 …).
Each family lives in its own module below so that adding a rule touches one small file.
"""

from __future__ import annotations

from make_report.rules.catalogue import RULES, Rule, UnknownRule, finding, rule

__all__ = ["RULES", "Rule", "UnknownRule", "finding", "rule"]

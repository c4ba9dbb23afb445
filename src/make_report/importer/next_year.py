"""Next year's report started from this year's: carried-over numbers and topics.

The only numbers carried forward are those a year rule of next year's format takes
unchanged from this year (Y1: the applications carried to next year are next year's
上年结转); everything else stays absent, so a workbook written from it leaves those cells
blank for the office to fill.
"""

from __future__ import annotations

from make_report.core.model import Entry, Report
from make_report.formats import format_for_year


def next_year_report(previous: Report) -> Report:
    """A report for ``previous.year + 1`` in that year's format, same agency and contact."""
    fmt = format_for_year(previous.year + 1)
    values = {carry.target: previous.values[carry.previous]
              for rule in fmt.year_rules for carry in rule.carries
              if carry.unchanged and carry.previous in previous.values}
    narrative = {s.key: [Entry(e.heading, []) for e in previous.narrative.get(s.key, [])
                         if e.heading]
                 for s in fmt.narrative_sections}
    return Report(fmt, previous.agency, previous.year + 1, contact=previous.contact,
                  values=values, narrative=narrative)

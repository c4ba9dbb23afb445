"""Next year's report started from this year's: carried-over applications and topics.

The only numbers carried forward are the applications carried to next year, which by
rule Y1 are next year's 上年结转; everything else stays absent, so a workbook written
from it leaves those cells blank for the office to fill.
"""

from __future__ import annotations

from make_report.formats import format_for_year
from make_report.model import Entry, Report

CARRIED_FROM = "applications.carried_from_last_year"
CARRIED_TO = "applications.carried_to_next_year"


def next_year_report(previous: Report) -> Report:
    """A report for ``previous.year + 1`` in that year's format, same agency and contact."""
    fmt = format_for_year(previous.year + 1)
    values = {}
    for f in fmt.fields:
        if f.key.startswith(CARRIED_FROM + "."):
            source = f"{CARRIED_TO}.{f.column}"
            if source in previous.values:
                values[f.key] = previous.values[source]
    narrative = {s.key: [Entry(e.heading, []) for e in previous.narrative.get(s.key, [])
                         if e.heading]
                 for s in fmt.narrative_sections}
    return Report(fmt, previous.agency, previous.year + 1, contact=previous.contact,
                  values=values, narrative=narrative)

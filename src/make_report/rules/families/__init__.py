"""One module per family of rules; each holds FAMILY (its Chinese name) and RULES."""

from make_report.rules.families import (
    content,
    desk,
    hardening,
    published,
    reading,
    sums,
    template,
    text,
    trust,
    years,
)

ALL = (sums, text, years, reading, template, content, desk, published, trust, hardening)

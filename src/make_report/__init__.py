"""make-report: the standard workbook of the annual disclosure report, checked and typeset."""

__version__ = "0.1.0"

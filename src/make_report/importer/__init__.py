"""Import already-published reports (.docx, .html, .txt) and prepare the next year's."""

from make_report.importer.core import audit, import_and_audit, import_report
from make_report.importer.next_year import next_year_report
from make_report.importer.result import ImportResult

__all__ = ["ImportResult", "audit", "import_and_audit", "import_report", "next_year_report"]

"""One line of a folder's audit: a published report, its verdict and findings (plain data
shared by the audit and the writers of its workbook and page)."""

from __future__ import annotations

from dataclasses import dataclass, field

CONSISTENT, INCONSISTENT, UNREADABLE = "一致", "不一致", "无法读取"


@dataclass
class AuditItem:
    file: str
    verdict: str
    agency: str = ""
    year: int | None = None
    format: str = ""
    rules: dict[str, str] = field(default_factory=dict)
    """Rule id -> 成立 / 不成立 / 无法判断."""
    findings: list[dict] = field(default_factory=list)
    """Each finding as ``check --json`` gives it (rule, severity, status, message …)."""
    message: str = ""
    """Why the report could not be read, or what keeps it from passing, in one sentence."""

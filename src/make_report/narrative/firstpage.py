"""The first page: the opening paragraph, the contact sentence and the date line.

A clerk often leaves 导语 blank and writes only ``县政府办公室 0931-1234567`` as 联系方式;
a real report opens with the standard paragraph (the statistics period) and says
如对本报告有疑问，请与……联系（电话：……）. The sentences are templates
(``lead.j2``, ``contact.j2``), so an office can word them its own way.
"""

from __future__ import annotations

import re

LEAD_TEMPLATE = "lead.j2"
CONTACT_TEMPLATE = "contact.j2"
DATE_LINE = "____年__月__日"
"""What the closing shows when 成文日期 is blank: a line to write the date on."""

_PHONE = re.compile(
    r"(?<!\d)1[3-9]\d{9}(?!\d)|400\s*[-－]?\s*\d{3}\s*[-－]?\s*\d{4}"
    r"|(?:[(（]\s*0\d{2,3}\s*[)）]\s*|0\d{2,3}\s*[-－—–]\s*)?\d{7,8}(?:\s*(?:[-－—–]|转)\s*\d{1,6})?")
_LABELS = re.compile(r"联系电话|联系方式|联系人|咨询电话|办公电话|电话|手机|座机|tel|Tel|TEL|联系")
_SEPARATORS = re.compile(r"[\s:：,，、;；/|()（）\-－—]+")
_NOT_AN_OFFICE = re.compile(r"[。！？!?@\d]|地址|邮编|邮箱|网址|传真|http|www|\{")
MAX_OFFICE = 40


def contact_parts(text: str) -> tuple[str, str] | None:
    """(office, phone) when ``text`` holds only an office name and phone numbers
    (``县政府办公室 0931-1234567``); None for anything else, which is kept as written."""
    if not text or not text.strip() or "如对" in text:
        return None
    phones = [re.sub(r"\s+", "", m.group()) for m in _PHONE.finditer(text)]
    if not phones:
        return None
    rest = _PHONE.sub(" ", text)
    rest = _SEPARATORS.sub(" ", _LABELS.sub(" ", rest)).strip()
    if _NOT_AN_OFFICE.search(rest) or len(rest) > MAX_OFFICE:
        return None
    return rest.replace(" ", ""), "、".join(phones)

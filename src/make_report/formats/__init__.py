"""The official formats, and how a report year picks one."""

from make_report.core.errors import MakeReportError
from make_report.core.spec import Format
from make_report.formats.f2019 import FORMAT as FORMAT_2019
from make_report.formats.f2021 import FORMAT as FORMAT_2021

FORMATS: dict[str, Format] = {f.id: f for f in (FORMAT_2021, FORMAT_2019)}


class UnknownFormat(MakeReportError, ValueError):
    """A format id or report year no official format covers."""


def get_format(format_id: str) -> Format:
    try:
        return FORMATS[str(format_id)]
    except KeyError:
        raise UnknownFormat(f"未知的报告格式“{format_id}”,可选:{'、'.join(FORMATS)}") from None


def format_for_year(year: int) -> Format:
    for fmt in FORMATS.values():
        if fmt.covers(year):
            return fmt
    raise UnknownFormat(f"{year}年不在任何官方格式的适用年度内({first_year()}年起)")


def first_year() -> int:
    """The first report year any official format covers."""
    return min(fmt.years[0] for fmt in FORMATS.values())


def last_year() -> int | None:
    """The last report year any format covers; None while one is still current."""
    ends = [fmt.years[1] for fmt in FORMATS.values()]
    return None if None in ends else max(e for e in ends if e is not None)

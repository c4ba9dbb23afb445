"""The signature's place (GB/T 9704-2012 7.3.5), as right indents in characters."""

from __future__ import annotations

import pytest

from make_report.writers.signature import signature_layout, text_width


def test_width_counts_digits_as_half_and_the_space_next_to_them():
    assert text_width("人民政府") == 4
    assert text_width("2025年1月20日") == pytest.approx(2 + 1 + 0.5 + 1 + 1 + 1 + 5 * 0.25)


def test_sealed_date_four_in_and_name_centred_over_it():
    s = signature_layout("某县人民政府", "2025年1月20日")
    assert s.date_right == 4
    date, name = text_width("2025年1月20日"), text_width("某县人民政府")
    assert s.agency_right + name / 2 == pytest.approx(s.date_right + date / 2)


def test_sealed_long_name_stays_two_in_and_still_centred():
    name = "长白朝鲜族自治县马鹿沟镇人民政府"
    s = signature_layout(name, "2024年1月20日")
    assert s.agency_right == 2
    assert s.date_right > 4
    assert s.agency_right + text_width(name) / 2 == pytest.approx(
        s.date_right + text_width("2024年1月20日") / 2)


def test_unsealed_name_two_in_and_date_two_right_of_its_first_character():
    name, date = "某县人民政府办公室信息公开科", "2025年1月20日"
    s = signature_layout(name, date, sealed=False)
    assert s.agency_right == 2
    name_start = -(s.agency_right + text_width(name))
    date_start = -(s.date_right + text_width(date))
    assert date_start - name_start == pytest.approx(2)


def test_unsealed_date_longer_than_the_name_keeps_two_in():
    name, date = "某镇政府", "2025年12月31日"
    s = signature_layout(name, date, sealed=False)
    assert s.date_right == 2
    name_start = -(s.agency_right + text_width(name))
    date_start = -(s.date_right + text_width(date))
    assert date_start - name_start == pytest.approx(2)


def test_no_date_leaves_the_name_where_the_date_would_be():
    assert signature_layout("某县人民政府", "").agency_right == 4
    assert signature_layout("某县人民政府", "", sealed=False).agency_right == 2

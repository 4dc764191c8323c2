import math

import pytest

from cantho_analysis.numbers import (NumberFormatError, format_number, numbers_in_text, parse_number,
                                     parse_vn_number)


class TestParseVnNumber:
    @pytest.mark.parametrize("text,expected", [
        ("43.000", 43000), ("9,5", 9.5), ("55.299,353", 55299.353), ("-0,56", -0.56),
        ("7,5%", 7.5), ("3.335.000", 3335000), ("18,02", 18.02), ("100", 100), ("0,78", 0.78),
    ])
    def test_reads_vietnamese_notation(self, text, expected):
        assert math.isclose(parse_vn_number(text), expected)

    @pytest.mark.parametrize("text", ["1.5", "9.50", "abc", "", "12,", "1,000.5"])
    def test_rejects_other_notations(self, text):
        with pytest.raises(NumberFormatError):
            parse_vn_number(text)

    def test_english_notation(self):
        assert parse_number("417,000", fmt="en") == 417000
        assert parse_number("75.5", fmt="en") == 75.5
        with pytest.raises(ValueError):
            parse_number("1", fmt="fr")


class TestNumbersInText:
    def test_finds_every_number(self):
        found = numbers_in_text("Tăng trưởng kinh tế (GRDP) đạt 9,5 - 10%/năm; 43.000 tỷ đồng")
        assert found == [9.5, 10, 43000]

    def test_reads_billion_million_phrase(self):
        assert 5508 in numbers_in_text("đạt 5 tỷ 508 triệu USD")

    def test_letters_before_digits(self):
        assert 61441 in numbers_in_text("VND61,441 billion", fmt="en")


class TestFormatNumber:
    def test_vietnamese_and_english(self):
        assert format_number(43000.5, "vi") == "43.000,5"
        assert format_number(43000.5, "en") == "43,000.5"
        assert format_number(9.5, "vi", decimals=2) == "9,50"

    def test_missing(self):
        assert format_number(None) == "—"
        assert format_number(float("nan"), "vi") == "—"

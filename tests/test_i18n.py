"""The message catalogue: both languages have the same keys and placeholders; t() fails loudly."""

import pytest

from cantho_analysis import i18n
from cantho_analysis.i18n import MessageError, check_catalogues, t


def test_both_languages_have_the_same_keys_and_placeholders():
    assert check_catalogues() == []


def test_catalogue_is_not_empty_and_namespaced():
    for lang in i18n.LANGS:
        cat = i18n.catalogue(lang)
        assert len(cat) > 10
        assert all("." in k for k in cat)


def test_t_fills_values_and_fails_on_missing_key_or_value():
    assert t("page.chart", "vi") == "Biểu đồ"
    assert "Nov 2026" in t("page.footer", "en", vintage="Nov 2026", built="x", version="1")
    with pytest.raises(MessageError, match="no message 'page.nope'"):
        t("page.nope", "en")
    with pytest.raises(MessageError, match="needs a value for 'vintage'"):
        t("page.footer", "en", built="x", version="1")
    with pytest.raises(MessageError, match="language must be one of"):
        t("page.chart", "fr")


def test_check_catalogues_finds_missing_keys_and_placeholder_mismatches(tmp_path):
    (tmp_path / "vi").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "vi" / "x.yaml").write_text("a: 'Có {n} chỉ tiêu'\nb: chỉ có tiếng Việt\nc:\n  d: '{y}'\n",
                                          encoding="utf-8")
    (tmp_path / "en" / "x.yaml").write_text("a: '{m} targets'\nc:\n  d: '{y}'\n", encoding="utf-8")
    problems = check_catalogues(str(tmp_path))
    assert any(p.startswith("x.a: placeholders differ") for p in problems)
    assert "x.b: missing in en" in problems
    assert not any(p.startswith("x.c.d") for p in problems)


def test_duplicate_key_is_an_error(tmp_path):
    for lang in i18n.LANGS:
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "x.yaml").write_text("a.b: one\na:\n  b: two\n", encoding="utf-8")
    with pytest.raises(MessageError, match="defined twice"):
        i18n.catalogue("en", str(tmp_path))


def test_every_subperiod_has_a_name_on_the_pages():
    from cantho_analysis import config
    from cantho_analysis.i18n import has

    for sub in config.SUBPERIODS:
        for lang in ("vi", "en"):
            assert has(f"indicator.series.subperiod.{sub}", lang), (sub, lang)

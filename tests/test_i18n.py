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


def test_plural_words_follow_the_number():
    from cantho_analysis.i18n import t

    assert t("narrative.summary", "en", name="X", loc="Y", n="1", plans="2", counts="c") == "X (Y): 1 target across 2 plans; c."
    assert t("narrative.summary", "en", name="X", loc="Y", n="3", plans="1", counts="c") == "X (Y): 3 targets across 1 plan; c."
    assert not any("(s)" in v for v in i18n.catalogue("en").values())


def test_a_bound_reads_as_an_economist_writes_it():
    """'at least 9.5 %', never 'at at least'; 'từ 9,5 % trở lên', never 'từ 9,5 trở lên %'."""
    from cantho_analysis import narrative

    ind = {"indicator_id": "g", "name_en": "Real GRDP growth", "name_vi": "Tăng trưởng GRDP", "unit": "%",
           "unit_en": "%", "unit_vi": "%"}
    tgt = {"low": 9.5, "high": float("nan"), "bound": "at_least", "period_start": 2025, "period_end": 2025,
           "target_kind": "annual_value", "base_year": 2024, "locality": "can_tho_old"}
    en, vi = (narrative.target_text(tgt, ind, "P", lang) for lang in ("en", "vi"))
    assert "at 9.5 % or more" in en and "at at" not in en
    assert "từ 9,5 % trở lên" in vi and "trở lên %" not in vi

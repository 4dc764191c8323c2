"""One message catalogue per language, used through one function: ``t(key, lang, **values)``.

Every sentence, label, header and legend a reader sees lives in
``locales/<lang>/<namespace>.yaml``; a key is ``<namespace>.<name>`` (``page.footer``,
``index.title``). Nested YAML mappings give dotted names (``register.deadline.by_year``).
Both languages must have the same keys and, for each key, the same ``{placeholders}``:
:func:`check_catalogues` says where they differ and ``tests/test_i18n.py`` runs it.

Values are Python ``str.format`` templates. Numbers are formatted by the caller (with
:mod:`cantho_analysis.numbers`) before they are passed in, so a template never decides the
number format. A missing key or placeholder is an error, never a silent fallback to the key or
to the other language.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

__all__ = ["LANGS", "t", "scoped", "has", "keys", "catalogue", "check_catalogues", "placeholders", "MessageError"]

LANGS = ("vi", "en")
LOCALES = Path(__file__).resolve().parent / "locales"


class MessageError(KeyError):
    """A key missing from a catalogue, or a template whose values were not all given."""

    def __str__(self) -> str:  # KeyError quotes its argument; a message reads better plain
        return str(self.args[0]) if self.args else ""


def _flatten(prefix: str, node, out: dict[str, str], where: str) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out, where)
    elif isinstance(node, str):
        if prefix in out:
            raise MessageError(f"{where}: key {prefix!r} is defined twice")
        out[prefix] = node
    else:
        raise MessageError(f"{where}: key {prefix!r} must be text, not {type(node).__name__}")


@lru_cache(maxsize=None)
def catalogue(lang: str, root: str | None = None) -> dict[str, str]:
    """Every message of one language: ``{"namespace.key": template}``."""
    import yaml

    if lang not in LANGS:
        raise MessageError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    base = Path(root) if root else LOCALES
    out: dict[str, str] = {}
    for path in sorted((base / lang).glob("*.yaml")):
        # libyaml's loader when PyYAML has it: 10x faster, and every report process loads both languages
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        if not isinstance(data, dict):
            raise MessageError(f"{path}: must be a mapping of keys to texts")
        _flatten(path.stem, data, out, str(path))
    return out


def has(key: str, lang: str = "en") -> bool:
    return key in catalogue(lang)


def keys(prefix: str, lang: str = "en") -> list[str]:
    """The names under ``prefix`` (without it), sorted: ``keys("status")`` → ``["achieved", ...]``."""
    p = prefix.rstrip(".") + "."
    return sorted(k[len(p):] for k in catalogue(lang) if k.startswith(p))


def t(key: str, lang: str, /, **values) -> str:
    """The message ``key`` in ``lang``, with ``values`` filled in.

    >>> t("page.chart", "vi")
    'Biểu đồ'
    """
    cat = catalogue(lang)
    try:
        template = cat[key]
    except KeyError:
        raise MessageError(f"no message {key!r} in the {lang} catalogue ({LOCALES / lang})") from None
    if not values and "{" not in template:
        return template
    try:
        return _FORMATTER.format(template, **values)
    except KeyError as exc:
        raise MessageError(f"message {key!r} ({lang}) needs a value for {exc.args[0]!r}") from None
    except (IndexError, ValueError) as exc:
        raise MessageError(f"message {key!r} ({lang}) is not a valid template: {exc}") from None


class _Plurals(string.Formatter):
    """``{n:year|years}`` gives the word for ``n`` (singular when n is 1); other specs as usual.
    English needs it, Vietnamese does not (its templates write ``{n} năm``)."""

    def format_field(self, value, format_spec: str):
        if "|" in format_spec:
            one, other = format_spec.split("|", 1)
            try:
                return one if float(str(value).replace(",", ".")) == 1 else other
            except ValueError:
                return other
        return super().format_field(value, format_spec)


_FORMATTER = _Plurals()


def scoped(namespace: str, lang: str):
    """``t`` bound to one namespace and language: ``m = scoped("tallies", "vi"); m("agree")``."""
    return lambda key, **values: t(f"{namespace}.{key}", lang, **values)


def placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template)
            if name is not None}


def check_catalogues(root: str | None = None) -> list[str]:
    """Differences between the languages: keys missing in one, and keys whose placeholders differ."""
    cats = {lang: catalogue(lang, root) for lang in LANGS}
    problems: list[str] = []
    all_keys = sorted(set().union(*cats.values()))
    for key in all_keys:
        missing = [lang for lang in LANGS if key not in cats[lang]]
        if missing:
            problems.append(f"{key}: missing in {', '.join(missing)}")
            continue
        try:
            sets = {lang: placeholders(cats[lang][key]) for lang in LANGS}
        except ValueError as exc:
            problems.append(f"{key}: not a valid template ({exc})")
            continue
        if len({frozenset(s) for s in sets.values()}) > 1:
            detail = "; ".join(f"{lang}: {{{', '.join(sorted(s))}}}" for lang, s in sets.items())
            problems.append(f"{key}: placeholders differ ({detail})")
    return problems

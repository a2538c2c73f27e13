"""Translations: every user-facing string lives in a table here, in English and Simplified Chinese.

UI strings are looked up by key (``t("playground.title", lang)``); each area of the app keeps its
table in ``optviz/locales/<area>.py`` as ``STRINGS = {key: (english, chinese)}``. Texts declared
in the registries (hyperparameter help, summaries) are English in the registry and translated by
``tr(text, lang)`` through ``optviz/locales/registry.py``'s ``TEXTS = {english: chinese}``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"


@cache
def _tables() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    from . import locales

    strings: dict[str, tuple[str, str]] = {}
    texts: dict[str, str] = {}
    for mod in sorted(pkgutil.iter_modules(locales.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{locales.__name__}.{mod.name}")
        for key, pair in getattr(module, "STRINGS", {}).items():
            if key in strings:
                raise ValueError(f"translation key {key!r} is defined twice (again in {mod.name})")
            strings[key] = pair
        texts.update(getattr(module, "TEXTS", {}))
    return strings, texts


def strings() -> dict[str, tuple[str, str]]:
    """All keyed UI strings: key -> (english, chinese)."""
    return _tables()[0]


def texts() -> dict[str, str]:
    """Registry texts: english -> chinese."""
    return _tables()[1]


def normalise(lang: str | None) -> str:
    """A supported language code ('en' or 'zh'), accepting browser locales like 'zh-CN'."""
    code = (lang or "").lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """The UI string ``key`` in ``lang``, formatted with ``fmt``. A missing key raises KeyError."""
    en, zh = strings()[key]
    text = zh if normalise(lang) == "zh" else en
    return text.format(**fmt) if fmt else text


def tr(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A registry text (declared in English) in ``lang``; English if no translation exists. A modifier
    chain's name and summary ('Lookahead(AdamW)') are translated part by part."""
    if normalise(lang) == "zh":
        found = texts().get(text)
        return found if found is not None else _chain(text, lang) or text
    return text


def _chain(text: str, lang: str) -> str | None:
    from .optimizers.modifiers import INSIDE, MODIFIERS

    for m in MODIFIERS.values():
        head, _, tail = m.label.partition("{}")
        if text.startswith(head) and text.endswith(tail) and len(text) > len(head) + len(tail):
            return tr(m.label, lang).format(tr(text[len(head) : len(text) - len(tail)], lang))
        if text.startswith(m.summary + INSIDE):
            return (
                tr(m.summary, lang) + t("modifiers.inside", lang) + tr(text[len(m.summary + INSIDE) :], lang)
            )
    return None

"""All text of the pages, one JSON file per language: Danish by default, English by a switch.

``?lang=en`` (or ``da``) switches and is remembered in a cookie. Every key
exists in every language (a unit test checks it).

May import (as all of ``tillid.review``): ``tillid.competence``,
``tillid.matching``, ``tillid.store``, ``tillid.runtime``, ``tillid.errors``,
``tillid.config`` and ``tillid.kafka_security``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from tillid.competence.labels import NO_LABELS, Labels

LANGUAGES = ("da", "en")
DEFAULT = "da"
COOKIE = "tillid_lang"


@cache
def _load(lang: str) -> dict[str, str]:
    return json.loads(resources.files("tillid.review.i18n").joinpath(f"{lang}.json").read_text(encoding="utf-8"))


class Texts:
    """The texts of one language: ``t["key"]``, ``t.key`` or ``t.fmt("key", name=value)``; and the labels of
    the things a page names (``t.name(id)``), so whatever is given ``t`` writes words, not ids."""

    def __init__(self, lang: str, labels: Labels = NO_LABELS) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self._texts = _load(self.lang)
        self.labels = labels

    def with_labels(self, labels: Labels) -> Texts:
        """These texts, naming the things ``labels`` knows by their labels."""
        return Texts(self.lang, self.labels.merged(labels))

    def name(self, thing_id: Any) -> str:
        """The label of a skill, task, activity, profession, workplace, organisation, fund or slot id in this
        language; anything else (an employee's pseudonymous id, a free text) as it is."""
        return self.labels.any_name(str(thing_id), self.lang)

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def __getattr__(self, key: str) -> str:
        try:
            return self._texts[key]
        except KeyError:
            raise AttributeError(key) from None

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._texts.get(key, default)

    def fmt(self, key: str, **values: Any) -> str:
        return self._texts[key].format(**values)

    def number(self, value: float, decimals: int = 0) -> str:
        """A number as people of this language write it (da: 12.345,6; en: 12,345.6)."""
        text = f"{value:,.{decimals}f}"
        if self.lang == "da":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text

    def dkk(self, value: float) -> str:
        return self.fmt("dkk", value=self.number(value))


def keys(lang: str) -> set[str]:
    return set(_load(lang))


def choose(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT

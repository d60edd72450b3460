"""Normalisation of competence names before they are compared.

HR systems send the same skill as "Sårpleje", "saarpleje", "sar-pleje" or
"SÅRPLEJE."; abbreviations come with and without dots ("med. adm.", "med adm").
Both the names in the index and the names to map go through the same
``normalise``: "Sårpleje" and "SÅRPLEJE." give the same text, and "saarpleje"
and "sarpleje" (Danish letters typed without a Danish keyboard) share most
of its character n-grams.
"""

from __future__ import annotations

import re
import unicodedata

# Danish (and the Swedish/German spellings Nordic HR data also uses) folded to
# the conventional ASCII transliteration.
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})
# The spelling of people who simply leave the ring and stroke off: "sarpleje".
_STRIP = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ü": "u"})
_ABBREVIATION_DOT = re.compile(r"(?<=\w)\.(?=\w|\s|$)")
_NOT_WORD = re.compile(r"[^\w]+")
_UNDERSCORE = re.compile(r"_+")
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = _ABBREVIATION_DOT.sub("", text)
    text = _NOT_WORD.sub(" ", text)
    text = _UNDERSCORE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case, dots of abbreviations and punctuation removed, æ/ø/å -> ae/oe/aa."""
    return _ascii(_clean(text).translate(_FOLD))


def normalise(text: str) -> str:
    """The text the character n-grams are taken from.

    The folded form ("saarpleje"), followed by the stripped form ("sarpleje")
    when the two differ, so that both ways of typing Danish letters without a
    Danish keyboard share most n-grams with the indexed name.
    """
    cleaned = _clean(text)
    folded = _ascii(cleaned.translate(_FOLD))
    stripped = _ascii(cleaned.translate(_STRIP))
    return folded if stripped == folded else f"{folded} {stripped}"

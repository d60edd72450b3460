"""The proposal page's explanation, built in Python, is the markup the ``tree`` macro gives (and escapes)."""

from __future__ import annotations

import re

from tillid.review.i18n import Texts
from tillid.review.pages import templates
from tillid.review.pages.present import tree_html

EXPLANATION = {"b": [1, 2.5, {"x": None, "Y": True}], "a": "<script>x</script>", "moves": [],
               "per_employee": {"e1": {"summary_da": "Kursus & mere", "steps": [{"hours": 15.0}]}}}


def _without_space(html: str) -> str:
    return re.sub(r"\s+", "", html)


def test_the_python_tree_is_the_macros_markup():
    for lang in ("da", "en"):
        t = Texts(lang)
        macro = templates.env.from_string('{% from "_macros.html" import tree %}{{ tree(t, v) }}').render(
            t=t, v=EXPLANATION)
        assert _without_space(str(tree_html(t, EXPLANATION))) == _without_space(macro)


def test_the_python_tree_escapes_what_it_shows():
    html = str(tree_html(Texts("da"), EXPLANATION))
    assert "<script>" not in html and "&lt;script&gt;" in html and "Kursus &amp; mere" in html

"""Plots: small groups left out, PNG out, a brief cache."""

from tillid.review import plots
from tillid.review.i18n import Texts

PNG = b"\x89PNG\r\n\x1a\n"


def test_effect_share_and_small_groups_left_out():
    group = plots.EffectGroup("course", "AMU Vest", completions=8, effect=0.75)
    assert group.share == 0.75
    tiny = [plots.EffectGroup("course", "Lille", completions=plots.MIN_COMPLETIONS - 1, effect=0.2)]
    message = plots.render_effect(tiny, Texts("da"))
    full = plots.render_effect([group] + tiny, Texts("da"))
    assert message.startswith(PNG) and full.startswith(PNG) and message != full


def test_spread_renders_each_dimension():
    spread = {"plot_spread_profession": [plots.SpreadGroup("sygeplejerske", 10, 7, 1)],
              "plot_spread_workplace": [], "plot_spread_age": [plots.SpreadGroup("30-39", 4, 2, 0)]}
    assert plots.render_spread(spread, Texts("en")).startswith(PNG)
    empty = plots.render_spread({"plot_spread_age": []}, Texts("en"))
    assert empty.startswith(PNG) and len(empty) < len(plots.render_spread(spread, Texts("en")))


def test_cache_expires():
    now = [100.0]
    cache = plots.PlotCache(seconds=60, clock=lambda: now[0])
    cache.put(("effect", "", "da"), b"png")
    assert cache.get(("effect", "", "da")) == b"png"
    assert cache.get(("effect", "", "en")) is None
    now[0] += 61
    assert cache.get(("effect", "", "da")) is None


NAMES = ["Kursus $ Vest", "AMU \\ Syd", "$x^2$ Akademi", "Sår\\alpha$", "Pris $5 \\nosuch{ til $10"]


def texts_of(figure) -> list:
    from matplotlib.text import Text

    return [text for text in figure.findobj(Text) if any(name in text.get_text() for name in NAMES)]


def test_names_with_dollar_and_backslash_are_drawn_as_written():
    effect = [plots.EffectGroup("course", name, completions=8, effect=0.5) for name in NAMES]
    spread = {"plot_spread_workplace": [plots.SpreadGroup(name, 5, 3, 1) for name in NAMES],
              "plot_spread_profession": [plots.SpreadGroup(NAMES[0], 4, 1, 0)]}
    for lang in ("da", "en"):
        assert plots.render_effect(effect, Texts(lang)).startswith(PNG)
        assert plots.render_spread(spread, Texts(lang)).startswith(PNG)
    for figure in (plots.effect_figure(effect, Texts("da")), plots.spread_figure(spread, Texts("da"))):
        drawn = texts_of(figure)
        assert len(drawn) >= len(NAMES)
        assert not [text.get_text() for text in drawn if text.get_parse_math()]

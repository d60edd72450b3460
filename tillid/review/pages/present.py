"""Turning stored proposals and suggestions into what people read: effects, explanations, reasons."""

from __future__ import annotations

from typing import Any, Mapping

from markupsafe import Markup, escape

from tillid.competence.labels import Kind
from tillid.review.i18n import Texts

MONEY_KEYS = ("reallocation_dkk_per_week", "dkk_per_week", "saving_per_week", "training_cost_dkk", "training_cost",
              "cost_dkk", "current_cost_per_week", "current_cost_within_demand_per_week", "proposed_cost_per_week",
              "refund_dkk", "net_cost_dkk")
# A LEON proposal leads with what the committee decides on: the moves and their saving, the hours newly covered
# and their cost, then the hours no longer needed (as hours); the total difference comes after its parts.
EFFECT_ORDER = ("hours_moved", "reallocation_dkk_per_week", "coverage", "freed", "dkk_per_week", "saving_per_week",
                "training_cost_dkk", "training_cost", "refunds", "refund_dkk", "net_cost_dkk", "expected_effect",
                "effect_source", "cost_dkk", "payback_weeks", "competence_gained")
# An upskilling proposal's effect source is written in both languages; the reader sees theirs.
EFFECT_SOURCE_KEYS = ("effect_source_da", "effect_source_en")
# What a suggestion's reason already says in words (cost, refunds, effect), so not again in the details.
SHOWN_IN_REASON = ("gross_cost_dkk", "refund_dkk", "net_cost_dkk", "refunds", "expected_net_cost_dkk",
                   *EFFECT_SOURCE_KEYS)


# Solver texts written in English only (a rotation placement's reasons): not shown on a page in another language.
ENGLISH_ONLY = frozenset({"why"})


def skill_label(t: Texts, skill_id: Any) -> str:
    """A skill's name in the reader's language (the taxonomy's label), or its id when it is not known."""
    from tillid.competence.taxonomy import default_taxonomy

    if t.labels.knows(str(skill_id)) is Kind.SKILL:
        return t.name(skill_id)
    found = default_taxonomy().find(str(skill_id))
    return found.label(t.lang) if found is not None else str(skill_id)


def name_of(t: Texts, thing_id: Any) -> str:
    """The label of whatever the id names (see ``Texts.name``), for the templates."""
    return "–" if thing_id is None else t.name(thing_id)


def label(t: Texts, key: Any) -> str:
    """A field's name in the reader's language: its text, the label of the id it is (an explanation keyed by
    task or profession), the text of its stem (``name_da`` on the Danish page: "name"), or the field written out."""
    key = str(key)
    found = t.get(f"label_{key}")
    if found:
        return found
    if t.labels.knows(key) is not None:
        return t.name(key)
    if "->" in key:
        return _sector_pair(t, key)
    stem = key.removesuffix(f"_{t.lang}")
    return t.get(f"label_{stem}") or t.get(f"effect_{key}") or key.replace("_", " ")


def shown_in_language(t: Texts, key: Any) -> bool:
    """Whether a field of an explanation is for this page: not a text of the other language (``summary_en``
    on the Danish page), nor a solver's English-only text on a page in another language."""
    key = str(key)
    other = "en" if t.lang == "da" else "da"
    return not key.endswith(f"_{other}") and not (t.lang != "en" and key in ENGLISH_ONLY)


def tree_entries(t: Texts, value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) pairs of an explanation's mapping for this page's language, by label. A solver's
    English-only reasons are left out where the reason is given in the page's language (``reason_da``)."""
    said = f"reason_{t.lang}" in value
    return sorted(((label(t, k), v) for k, v in value.items()
                   if shown_in_language(t, k) and not (said and k in ENGLISH_ONLY)),
                  key=lambda pair: pair[0].casefold())


def scalar(t: Texts, value: Any) -> str:
    if isinstance(value, bool):
        return "✓" if value else "–"
    if isinstance(value, float):
        return t.number(value, 0 if value.is_integer() or abs(value) >= 100 else 2)
    if isinstance(value, int):
        return t.number(value)
    return "–" if value is None else words(t, str(value))


def words(t: Texts, text: str) -> str:
    """A string of an explanation as people read it: an id by its label, a comma-separated list of ids by
    theirs, a known value ("digitalisation", "e_learning") in the reader's language, anything else as it is."""
    named = t.name(text)
    if named != text:
        return named
    if "," in text and all(t.labels.knows(part) for part in text.split(",")):
        return ", ".join(t.name(part) for part in text.split(","))
    return t.get(f"value_{text}") or text


def _competence(t: Texts, value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{skill_label(t, skill)} → {t.fmt('level', level=level)}"
                         for skill, level in sorted(value.items()))
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, Mapping) and "skill" in item:
                level = item.get("to_level", item.get("level", item.get("to")))
                parts.append(f"{skill_label(t, item['skill'])} → {t.fmt('level', level=level)}"
                             if level is not None else skill_label(t, item["skill"]))
            elif isinstance(item, Mapping):
                parts.append(fields(t, item))
            else:
                parts.append(scalar(t, item))
        return ", ".join(parts)
    return scalar(t, value)


def fields(t: Texts, value: Mapping[str, Any]) -> str:
    """An object in one line, each field by its name in the reader's language: "opgave: Øjendråber; timer: 6"."""
    return "; ".join(f"{label(t, k)}: {scalar(t, v) if not isinstance(v, (Mapping, list)) else _competence(t, v)}"
                     for k, v in value.items() if shown_in_language(t, k))


def _move(t: Texts, move: Mapping[str, Any]) -> str:
    return t.fmt("effect_move", task=name_of(t, move.get("task")), hours=t.number(move.get("hours", 0.0), 1),
                 source=name_of(t, move.get("from_profession")), target=name_of(t, move.get("to_profession")),
                 saving=t.dkk(move.get("saving_per_week", 0.0)))


def _unlock(t: Texts, unlock: Mapping[str, Any]) -> str:
    return t.fmt("effect_unlock", activity=name_of(t, unlock.get("activity")),
                 people=len(unlock.get("employees") or ()), cost=t.dkk(unlock.get("training_cost", 0.0)),
                 saving=t.dkk(unlock.get("saving_per_week", 0.0)))


def _sector_pair(t: Texts, pair: str) -> str:
    """A home and a host sector ("municipality->region") in words: "kommune → region"."""
    home, _, host = pair.partition("->")
    return f"{t.get('sector_' + home) or home} → {t.get('sector_' + host) or host}"


def _sector_pairs(t: Texts, pairs: Mapping[str, Any]) -> str:
    """Placements by home and host sector ("municipality->region": 2) in words: "kommune → region: 2"."""
    return ", ".join(f"{_sector_pair(t, str(pair))}: {scalar(t, count)}" for pair, count in pairs.items()) or "–"


def effect_items(t: Texts, effect: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs of a proposal's effect, known keys first, in a fixed order."""
    items = []
    effect = dict(effect)
    if any(k in effect for k in EFFECT_SOURCE_KEYS):
        effect["effect_source"] = effect.get(f"effect_source_{t.lang}") or effect.get("effect_source_da")
        for k in EFFECT_SOURCE_KEYS:
            effect.pop(k, None)
    ordered = [k for k in EFFECT_ORDER if k in effect] + sorted(k for k in effect if k not in EFFECT_ORDER)
    for key in ordered:
        value = effect[key]
        if key == "expected_effect" and isinstance(value, (int, float)):
            text = f"{t.number(100 * value)} %"
        elif key == "refunds" and isinstance(value, Mapping):
            text = ", ".join(f"{t.get('fund_' + str(source)) or t.name(source)}: {t.dkk(amount)}"
                             for source, amount in value.items()) or "–"
        elif key == "moves" and isinstance(value, list):
            text = "; ".join(_move(t, m) for m in value if isinstance(m, Mapping)) or "–"
        elif key == "training" and isinstance(value, list):
            text = "; ".join(_unlock(t, u) for u in value if isinstance(u, Mapping)) or "–"
        elif key == "by_sector_pair" and isinstance(value, Mapping):
            text = _sector_pairs(t, value)
        elif key in MONEY_KEYS and isinstance(value, (int, float)):
            text = t.dkk(value)
        elif key == "payback_weeks" and isinstance(value, (int, float)):
            text = t.fmt("effect_weeks", value=t.number(value, 1))
        elif key == "hours_moved" and isinstance(value, (int, float)):
            text = t.fmt("effect_hours", value=t.number(value, 1))
        elif key == "coverage" and isinstance(value, Mapping):
            text = _coverage(t, value)
        elif key == "freed" and isinstance(value, Mapping):
            text = _freed(t, value)
        elif key == "competence_gained":
            text = _competence(t, value)
        elif isinstance(value, (Mapping, list)):
            text = _competence(t, value)
        else:
            text = scalar(t, value)
        items.append((t.get(f"effect_{key}") or label(t, key), text))
    return items


def _coverage(t: Texts, coverage: Mapping[str, Any]) -> str:
    """Hours covered more than today and what that costs (the coverage part of a LEON proposal's difference)."""
    hours, dkk = coverage.get("hours_per_week", 0.0), coverage.get("dkk_per_week", 0.0)
    if hours < 0:
        return t.fmt("effect_coverage_less", hours=t.number(-hours, 1), dkk=t.dkk(dkk))
    return t.fmt("effect_coverage_more", hours=t.number(hours, 1), dkk=t.dkk(-dkk))


def _freed(t: Texts, freed: Mapping[str, Any]) -> str:
    """Hours people report beyond what the tasks need, and why: capacity for other work, never a saving."""
    reasons = [t.get(f"effect_freed_{reason}") or reason for reason in ("digitalisation", "demand")
               if freed.get(f"{reason}_hours", 0) > 0]
    return t.fmt("effect_freed_hours", hours=t.number(freed.get("hours_per_week", 0.0), 1),
                 reasons=", ".join(reasons) or "–")


def plain_reason(t: Texts, explanation: Mapping[str, Any],
                 activities: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """A suggestion's explanation in plain words: the need, what to learn, the steps, who pays.

    ``activities`` (by id: title, provider, sessions from the catalogue) names each step by its title and
    provider, and gives the dates and places of a course (``sessions``, one list per step)."""
    activities = activities or {}
    own = explanation.get(f"reason_{t.lang}") or explanation.get(f"why_{t.lang}")
    need = explanation.get("need")
    need_text = (need.get(f"description_{t.lang}") or need.get("description") if isinstance(need, Mapping)
                 else need if isinstance(need, str) else None)
    gaps = [t.fmt("reason_gap", skill=skill_label(t, g.get("skill")), current=g.get("current", 0),
                  target=g.get("target"))
            for g in explanation.get("gaps") or [] if isinstance(g, Mapping)]
    steps, sessions = [], []
    for step in explanation.get("steps") or []:
        if not isinstance(step, Mapping):
            continue
        known = activities.get(str(step.get("activity")), {})
        text = t.fmt("reason_step", activity=known.get("title") or step.get("title") or step.get("activity"),
                     kind=t.get(f"activity_{step.get('kind')}") or step.get("kind", ""),
                     hours=scalar(t, step.get("hours")), provider=known.get("provider") or step.get("provider", "–"))
        if step.get("mentors"):
            text += " " + t.fmt("reason_mentor", mentors=", ".join(map(str, step["mentors"])))
        if isinstance(step.get("expected_effect"), (int, float)) and step.get(f"effect_source_{t.lang}"):
            text += " " + t.fmt("reason_step_effect", percent=t.number(100 * step["expected_effect"]),
                                source=step[f"effect_source_{t.lang}"])
        steps.append(text)
        sessions.append([_session(t, item) for item in known.get("sessions") or [] if isinstance(item, Mapping)])
    cost = None
    if isinstance(explanation.get("fee_dkk"), (int, float)) and isinstance(explanation.get("cover_dkk"), (int, float)):
        cost = t.fmt("reason_cost", fee=t.dkk(explanation["fee_dkk"]), cover=t.dkk(explanation["cover_dkk"]))
        if isinstance(explanation.get("refund_dkk"), (int, float)) and isinstance(
                explanation.get("net_cost_dkk"), (int, float)):
            cost += " " + t.fmt("reason_refund", refund=t.dkk(explanation["refund_dkk"]),
                                net=t.dkk(explanation["net_cost_dkk"]))
    source = explanation.get(f"effect_source_{t.lang}")
    effect_said = isinstance(explanation.get("expected_effect"), (int, float)) and bool(source)
    if effect_said:
        said = t.fmt("reason_effect", percent=t.number(100 * explanation["expected_effect"]), source=source)
        cost = f"{cost} {said}" if cost else said
    # The need in the reader's language (``reason_en``) says what the need's description says in Danish.
    return {"own": own, "need": t.fmt("reason_need", text=need_text) if need_text and not own else None,
            "gaps": gaps, "steps": steps, "sessions": sessions, "cost": cost,
            "rest": {k: v for k, v in explanation.items()
                     if k not in ("need", "gaps", "steps", "activities", "fee_dkk", "cover_dkk", "summary_da",
                                  "summary_en", "reason_da", "reason_en", "why_da", "why_en", *SHOWN_IN_REASON)
                     and not (k == "expected_effect" and effect_said)}}


def _session(t: Texts, session: Mapping[str, Any]) -> str:
    """A course date (day.month.year) and its place, when the catalogue gives one."""
    day = str(session.get("starts_on") or "")
    parts = day.split("-")
    shown = f"{parts[2]}.{parts[1]}.{parts[0]}" if len(parts) == 3 else day
    place = session.get("place")
    return t.fmt("session_at", date=shown, place=place) if place else t.fmt("session_on", date=shown)


def summary(t: Texts, item: Mapping[str, Any]) -> str:
    return item.get(f"summary_{t.lang}") or item.get("summary_da") or ""


def audit_action(t: Texts, action: str) -> str:
    """An audit entry's action in the reader's language ("decided proposal P: approved" -> its known prefix)."""
    for prefix in ("decided proposal", "answered suggestion", "viewed in committee queue", "viewed on proposal page",
                   "viewed in committee agenda", "read employee",
                   "read suggestions", "changed rotation preferences", "read own data", "listed proposals",
                   "read proposal", "named in suggestions", "disputed competence", "asked again for suggestion"):
        if action.startswith(prefix):
            return t.get("audit_" + prefix.replace(" ", "_")) or action
    return action


def tree_html(t: Texts, value: Any) -> Markup:
    """A proposal's explanation as nested lists, like the ``tree`` macro of _macros.html (the same entries,
    ``tree_entries``, in the page's language), built in Python:
    the largest LEON explanations have thousands of nodes, and a recursive Jinja macro costs a call each."""
    parts: list[str] = []
    _tree(t, value, parts)
    return Markup("".join(parts))


def _tree(t: Texts, value: Any, parts: list[str]) -> None:
    if isinstance(value, Mapping):
        parts.append('<dl class="tree">')
        for name, item in tree_entries(t, value):
            parts.append(f"<dt>{escape(name)}</dt><dd>")
            _tree(t, item, parts)
            parts.append("</dd>")
        parts.append("</dl>")
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("–")
            return
        parts.append('<ul class="tree">')
        for item in value:
            parts.append("<li>")
            _tree(t, item, parts)
            parts.append("</li>")
        parts.append("</ul>")
    else:
        parts.append(str(escape(scalar(t, value))))

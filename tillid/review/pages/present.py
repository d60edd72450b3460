"""Turning stored proposals and suggestions into what people read: effects, explanations, reasons."""

from __future__ import annotations

from typing import Any, Mapping

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


def skill_label(t: Texts, skill_id: Any) -> str:
    """A skill's name in the reader's language (the taxonomy's label), or its id when it is not known."""
    from tillid.competence.taxonomy import default_taxonomy

    found = default_taxonomy().find(str(skill_id))
    return found.label(t.lang) if found is not None else str(skill_id)


def label(t: Texts, key: Any) -> str:
    key = str(key)
    return t.get(f"label_{key}") or key.replace("_", " ")


def scalar(t: Texts, value: Any) -> str:
    if isinstance(value, bool):
        return "✓" if value else "–"
    if isinstance(value, float):
        return t.number(value, 0 if value.is_integer() or abs(value) >= 100 else 2)
    if isinstance(value, int):
        return t.number(value)
    return "–" if value is None else str(value)


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
            else:
                parts.append(str(item))
        return ", ".join(parts)
    return scalar(t, value)


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
            text = ", ".join(f"{t.get('fund_' + str(source)) or source}: {t.dkk(amount)}"
                             for source, amount in value.items()) or "–"
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
    need_text = need.get("description") if isinstance(need, Mapping) else need if isinstance(need, str) else None
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
    return {"own": own, "need": t.fmt("reason_need", text=need_text) if need_text else None,
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
    for prefix in ("decided proposal", "answered suggestion", "viewed in committee queue", "read employee",
                   "read suggestions", "changed rotation preferences", "read own data", "listed proposals",
                   "read proposal", "named in suggestions", "disputed competence", "asked again for suggestion"):
        if action.startswith(prefix):
            return t.get("audit_" + prefix.replace(" ", "_")) or action
    return action

"""Rotation placement proposals: the solver's instance from all interests and slots, proposals per committee."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tillid.competence.model import ProposalItem, ProposalItemKind
from tillid.matching.proposals.common import fingerprint
from tillid.matching.proposals.items import combined
from tillid.matching.proposals.snapshot import ProposalDraft, RotationSnapshot, SlotFacts


def rotation_instance(snapshot: RotationSnapshot) -> dict[str, Any]:
    """Rankings keep only open slots the applicant can stay at long enough."""
    weeks = {s.slot_id: s.weeks for s in snapshot.slots}
    return {
        "slots": [{"id": s.slot_id, "host_workplace": s.host_workplace_id, "sector": s.sector,
                   "organisation": s.organisation_id, "capacity": s.capacity, "requires": dict(s.requires),
                   "teaches": dict(s.teaches)} for s in snapshot.slots],
        "applicants": [{"id": a.employee_id, "home_workplace": a.home_workplace_id, "sector": a.sector,
                        "organisation": a.organisation_id, "skills": dict(a.skills),
                        "ranking": [s for s in dict.fromkeys(a.ranking) if s in weeks and weeks[s] <= a.max_weeks]}
                       for a in snapshot.applicants],
        "rules": {"cross_sector_only": True, "max_away_per_workplace": dict(sorted(snapshot.max_away_per_workplace.items()))},
    }


def rotation_proposals(snapshot: RotationSnapshot, result: dict[str, Any]) -> list[ProposalDraft]:
    """One proposal per committee and organisation of the applicants' home workplaces."""
    applicants = {a.employee_id: a for a in snapshot.applicants}
    slots = {s.slot_id: s for s in snapshot.slots}
    explanations = {e["applicant"]: e for e in result.get("explanations", [])}
    suggestions = {s["applicant"]: s["slots"] for s in result.get("suggestions", [])}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in snapshot.applicants:
        groups[(a.committee_id, a.organisation_id)].append(a.employee_id)
    placed = {p["applicant"]: p for p in result["placements"]}
    drafts = []
    for (committee, organisation), members in sorted(groups.items()):
        per_employee = {}
        for employee in sorted(members):
            a = applicants[employee]
            if employee in placed:
                slot = slots[placed[employee]["slot"]]
                per_employee[employee] = {
                    "profession": a.profession_id, "slot": slot.slot_id, "rank": placed[employee]["rank"],
                    "summary_da": f"Rotationsforløb: {slot.title} ({slot.weeks} uger, {slot.sector}); "
                                  f"dit {placed[employee]['rank']}. ønske.",
                    "summary_en": f"Rotation placement: {slot.title} ({slot.weeks} weeks, {slot.sector}); "
                                  f"your choice no. {placed[employee]['rank']}.",
                    "teaches": dict(slot.teaches), "why": explanations.get(employee, {}),
                    "reason_en": explanations.get(employee, {}).get("summary", "")}
            elif employee in suggestions and suggestions[employee]:
                titles = [slots[s["slot"]].title for s in suggestions[employee] if s["slot"] in slots]
                per_employee[employee] = {
                    "profession": a.profession_id, "suggested_slots": suggestions[employee],
                    "summary_da": "Forslag til rotationspladser, du kan prioritere: " + "; ".join(titles),
                    "summary_en": "Rotation slots suggested for you to rank: " + "; ".join(titles),
                    "why": explanations.get(employee, {})}
        if not per_employee:
            continue
        items = [_placement_item(e, per_employee[e], applicants[e].sector,
                                 slots[placed[e]["slot"]] if e in placed else None) for e in sorted(per_employee)]
        effect = combined(dict(i.effect) for i in items)
        n_placed, n_suggested = effect["placed"], effect["suggested"]
        unplaced = sorted(e for e in members if e not in placed)
        explanation = {"per_employee": per_employee, "unplaced": unplaced,
                       "blocking_pairs": result["blocking_pairs"], "stats": result["stats"],
                       "source_events": list(snapshot.source_events)}
        drafts.append(ProposalDraft(
            kind="rotation_placement", committee_id=committee, scope=organisation,
            employee_ids=tuple(sorted(per_employee)),
            summary_da=f"Rotation på tværs af sektorer: {n_placed} placering(er), {n_suggested} med forslag.",
            summary_en=f"Cross-sector rotation: {n_placed} placement(s), {n_suggested} with suggestions.",
            explanation=explanation, effect=effect,
            fingerprint=fingerprint(sorted((e, per_employee[e].get("slot"),
                                            [s["slot"] for s in per_employee[e].get("suggested_slots", [])])
                                           for e in per_employee)),
            items=tuple(items)))
    return drafts


# The item id's slot part for an applicant who is not placed and gets slots to rank instead.
SUGGESTED = "suggested"


def _placement_item(employee: str, own: dict[str, Any], home_sector: str, slot: SlotFacts | None) -> ProposalItem:
    """One applicant's placement (``placement:SLOT:APPLICANT``), or their suggested slots
    (``placement:suggested:APPLICANT``). The applicant comes last so an erasure finds and rewrites it."""
    if slot is None:
        effect = {"placed": 0, "suggested": 1, "weeks_away": 0, "by_sector_pair": {}, "competence_gained": {}}
    else:
        effect = {"placed": 1, "suggested": 0, "weeks_away": slot.weeks,
                  "by_sector_pair": {f"{home_sector}->{slot.sector}": 1},
                  "competence_gained": dict(sorted(slot.teaches.items()))}
    return ProposalItem(item_id=f"placement:{slot.slot_id if slot else SUGGESTED}:{employee}",
                        kind=ProposalItemKind.PLACEMENT, employee_ids=(employee,), summary_da=own["summary_da"],
                        summary_en=own["summary_en"], effect=effect)

"""Reference for the end-to-end rotation benchmark: plain deferred acceptance, JSON in and out.

Applicant-proposing deferred acceptance (Gale and Shapley) written the obvious
way with the standard library only: the instance is read with ``json``, each
host's ranking becomes a dict of positions, free applicants propose down their
rankings, and each slot keeps a heap of the applicants it holds, releasing the
one its host ranks lowest when a better one proposes to it full. A pair is
acceptable when the host ranks the applicant, the applicant meets the slot's
``requires`` and, under ``cross_sector_only``, the sectors differ (the
contract's acceptability, so the placements can be compared with `tillid solve
rotation`). No away-caps, no certificate, no explanations. Bench-only code.

    python bench/rotation_da_reference.py INSTANCE.json RESULT.json
"""

from __future__ import annotations

import json
import sys
from heapq import heappush, heapreplace


def deferred_acceptance(data: dict) -> dict:
    slots = {slot["id"]: slot for slot in data["slots"]}
    cross_sector_only = bool((data.get("rules") or {}).get("cross_sector_only"))
    position = {slot_id: {a: i for i, a in enumerate(ranking)}
                for slot_id, ranking in (data.get("host_rankings") or {}).items()}
    applicants = {applicant["id"]: applicant for applicant in data["applicants"]}
    held: dict[str, list[tuple[int, str]]] = {slot_id: [] for slot_id in slots}  # (-position, applicant)
    next_choice = dict.fromkeys(applicants, 0)
    free = list(applicants)
    while free:
        applicant_id = free.pop()
        applicant = applicants[applicant_id]
        ranking = applicant.get("ranking") or []
        skills = applicant.get("skills") or {}
        i = next_choice[applicant_id]
        while i < len(ranking):
            slot_id = ranking[i]
            i += 1
            where = position.get(slot_id, {}).get(applicant_id)
            slot = slots[slot_id]
            if where is None or (cross_sector_only and applicant.get("sector") == slot.get("sector")):
                continue
            if any(skills.get(skill, 0) < level for skill, level in (slot.get("requires") or {}).items()):
                continue
            heap = held[slot_id]
            if len(heap) < slot["capacity"]:
                heappush(heap, (-where, applicant_id))
                break
            if heap and -heap[0][0] > where:
                free.append(heapreplace(heap, (-where, applicant_id))[1])
                break
        next_choice[applicant_id] = i
    placed = {a: s for s, heap in held.items() for _, a in heap}
    placements = [{"applicant": a, "slot": placed[a], "rank": applicants[a]["ranking"].index(placed[a]) + 1}
                  for a in sorted(placed)]
    return {"placements": placements, "unplaced": sorted(a for a in applicants if a not in placed)}


def main(argv: list[str]) -> int:
    source, target = argv
    with open(source, encoding="utf-8") as handle:
        data = json.load(handle)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(deferred_acceptance(data), handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

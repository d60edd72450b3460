"""Applicant-proposing deferred acceptance with slot capacities (Gale and Shapley).

McVitie and Wilson's sequential form: one free applicant at a time proposes
down its list; each slot keeps a heap of the applicants it holds keyed by their
position in its host ranking, so the lowest-ranked one is found in O(1) and
replaced in O(log capacity). Each applicant proposes at most once to each slot
on its list, so the whole run is O(L log c) for L acceptable pairs and the
largest capacity c. The outcome does not depend on the order of proposals: it
is the applicant-optimal stable matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from heapq import heappush, heapreplace

from tillid.matching.rotation.market import Market


def deferred_acceptance(market: Market, active: Sequence[bool] | None = None) -> list[int]:
    """For each applicant, the index into its preference list of its placement, or -1.

    Only applicants with ``active[a]`` true take part (all when ``active`` is None).
    """
    prefs = market.prefs
    host_pos = market.host_pos
    capacity = market.capacity
    held: list[list[tuple[int, int]]] = [[] for _ in capacity]  # (-position, applicant)
    choice = [-1] * len(prefs)
    next_choice = [0] * len(prefs)
    free = [a for a in range(len(prefs) - 1, -1, -1) if prefs[a] and (active is None or active[a])]
    while free:
        a = free.pop()
        mine = prefs[a]
        positions = host_pos[a]
        i = next_choice[a]
        end = len(mine)
        while i < end:
            s = mine[i]
            position = positions[i]
            heap = held[s]
            i += 1
            if len(heap) < capacity[s]:
                heappush(heap, (-position, a))
                choice[a] = i - 1
                break
            if heap and -heap[0][0] > position:
                _, rejected = heapreplace(heap, (-position, a))
                choice[a] = i - 1
                choice[rejected] = -1
                free.append(rejected)
                break
        next_choice[a] = i
    return choice

"""Matching under away-caps (``max_away_per_workplace``); see docs/rotation.md.

The contract's blocking pairs are those whose deviation keeps the matching
feasible. Even so, a matching without blocking pairs need not exist (two
applicants of one workplace with cap 1 and crossed preferences: every feasible
matching has a blocking pair; docs/rotation.md works it through). So:

1. Exclusion (always terminates, always feasible, never a blocking pair of an
   active applicant): deferred acceptance among the *active* applicants; while
   a workplace has more placed than its cap, deactivate its most vulnerable
   placed applicants (worst relative position in the host ranking of the slot
   they hold) and run again. Removing applicants from a market makes the others
   weakly better off, so placed applicants stay placed and a workplace that
   had to deactivate someone ends exactly at its cap. Hence the only possible
   blocking pairs are "swaps": an inactive applicant the host of a full slot
   ranks above that slot's lowest-ranked applicant from the same workplace.
2. Repair (bounded): a best-first search over active sets. A move activates
   the inactive applicant of a blocking pair and deactivates a placed
   applicant of its workplace (all disjoint swaps with the blocked slot's
   lowest-ranked holder at once, each of those alone, then each other placed
   applicant of the workplace), then settles again (exclusion, the newly
   activated deactivated last; then reactivation of inactive applicants whose
   workplace fell below its cap). States with fewer blocking pairs are
   explored first; the search stops at a state without blocking pairs or
   after ``_state_budget`` settled states, and keeps the state with the
   fewest, among those whose pairs are all same-workplace swaps.
3. Exhaustive search, for small instances only (at most ``EXHAUSTIVE_BUDGET``
   candidate matchings): if blocking pairs remain, enumerate feasible
   matchings and take the first without blocking pairs, if there is one.

Whatever remains is reported, never hidden: the result's ``blocking_pairs``
comes from the independent certificate.
"""

from __future__ import annotations

from collections.abc import Iterator
from heapq import heappop, heappush

from tillid.matching.rotation.deferred_acceptance import deferred_acceptance
from tillid.matching.rotation.market import Market

# The repair search settles at most this many active sets: REPAIR_WORK divided by the
# market size (applicants + acceptable pairs), clamped to [MIN, MAX].
REPAIR_WORK = 4_000_000
MIN_REPAIR_STATES = 10
MAX_REPAIR_STATES = 300
EXHAUSTIVE_BUDGET = 20_000

METHOD_DA = "deferred_acceptance"
METHOD_EXCLUSION = "deferred_acceptance_with_exclusion"
METHOD_REPAIR = "deferred_acceptance_with_swap_repair"
METHOD_EXHAUSTIVE = "exhaustive_search"


def placed_per_workplace(market: Market, choice: list[int]) -> list[int]:
    counts = [0] * len(market.workplaces)
    home = market.home
    for a, i in enumerate(choice):
        if i >= 0 and home[a] >= 0:
            counts[home[a]] += 1
    return counts


def blocking_pairs(market: Market, choice: list[int]) -> list[tuple[int, int]]:
    """(applicant, slot) index pairs that block ``choice`` (the solver's own fast check)."""
    prefs, host_pos, home, away_cap = market.prefs, market.host_pos, market.home, market.away_cap
    load = [0] * len(market.capacity)
    worst_pos = [-1] * len(market.capacity)
    worst = [-1] * len(market.capacity)
    for a, i in enumerate(choice):
        if i >= 0:
            s = prefs[a][i]
            load[s] += 1
            if host_pos[a][i] > worst_pos[s]:
                worst_pos[s] = host_pos[a][i]
                worst[s] = a
    counts = placed_per_workplace(market, choice)
    pairs = []
    for a, i in enumerate(choice):
        end = i if i >= 0 else len(prefs[a])
        w = home[a]
        for j in range(end):
            s = prefs[a][j]
            full = load[s] >= market.capacity[s]
            if full and not host_pos[a][j] < worst_pos[s]:
                continue
            if i < 0 and w >= 0 and away_cap[w] >= 0:
                released_same_home = full and home[worst[s]] == w
                if counts[w] + 1 - released_same_home > away_cap[w]:
                    continue
            pairs.append((a, s))
    return pairs


def only_swaps(market: Market, choice: list[int], pairs: list[tuple[int, int]]) -> bool:
    """True when every pair is a same-workplace swap: an unplaced applicant whose workplace
    is at its cap, at a full slot whose lowest-ranked holder is from the same workplace."""
    if not pairs:
        return True
    worst = _worst_at(market, choice)
    counts = placed_per_workplace(market, choice)
    load = [0] * len(market.capacity)
    for a, i in enumerate(choice):
        if i >= 0:
            load[market.prefs[a][i]] += 1
    for a, s in pairs:
        w = market.home[a]
        if choice[a] >= 0 or w < 0 or counts[w] != market.away_cap[w]:
            return False
        if load[s] < market.capacity[s] or market.home[worst[s]] != w:
            return False
    return True


def _vulnerability(market: Market, a: int, i: int, protected: frozenset[int]) -> tuple[bool, float, int]:
    """Larger is deactivated first: unprotected before protected, then worse relative
    position in the host ranking of the slot held, then larger index."""
    s = market.prefs[a][i]
    return (a not in protected, (market.host_pos[a][i] + 1) / max(1, market.ranking_length[s]), a)


def _settle(market: Market, active: list[bool], protected: frozenset[int] = frozenset()) -> list[int]:
    """Deferred acceptance among ``active``, deactivating over-cap applicants until feasible;
    then reactivate inactive applicants whose workplace fell below its cap (bounded)."""
    seen: set[frozenset[int]] = set()
    away_cap = market.away_cap
    while True:
        choice = deferred_acceptance(market, active)
        counts = placed_per_workplace(market, choice)
        over = [w for w, count in enumerate(counts) if away_cap[w] >= 0 and count > away_cap[w]]
        if over:
            members: dict[int, list[int]] = {w: [] for w in over}
            for a, i in enumerate(choice):
                if i >= 0 and market.home[a] in members:
                    members[market.home[a]].append(a)
            for w in over:
                ranked = sorted(members[w], key=lambda a: _vulnerability(market, a, choice[a], protected), reverse=True)
                for a in ranked[:counts[w] - away_cap[w]]:
                    active[a] = False
            continue
        idle = [a for a in range(len(active))
                if not active[a] and market.prefs[a] and market.home[a] >= 0
                and counts[market.home[a]] < away_cap[market.home[a]]]
        inactive = frozenset(a for a in range(len(active)) if not active[a])
        if not idle or inactive in seen or len(seen) > len(active):
            return choice
        seen.add(inactive)
        for a in idle:
            active[a] = True


def _worst_at(market: Market, choice: list[int]) -> list[int]:
    worst = [-1] * len(market.capacity)
    worst_pos = [-1] * len(market.capacity)
    for a, i in enumerate(choice):
        if i >= 0:
            s = market.prefs[a][i]
            if market.host_pos[a][i] > worst_pos[s]:
                worst_pos[s] = market.host_pos[a][i]
                worst[s] = a
    return worst


def _moves(market: Market, inactive: frozenset[int], choice: list[int],
           pairs: list[tuple[int, int]]) -> Iterator[tuple[tuple[int, int], ...]]:
    """Candidate changes of the active set that may remove blocking pairs, lazily: each is
    a tuple of (applicant to activate, applicant to deactivate or -1). First all disjoint
    swaps with the lowest-ranked same-workplace applicant of the blocked slot at once;
    then each of those alone; then each inactive applicant of a blocking pair swapped
    with every other placed applicant of its workplace, most vulnerable first."""
    worst = _worst_at(market, choice)
    load = [0] * len(market.capacity)
    placed_from: dict[int, list[int]] = {}
    for a, i in enumerate(choice):
        if i >= 0:
            load[market.prefs[a][i]] += 1
            placed_from.setdefault(market.home[a], []).append(a)
    single: list[tuple[int, int]] = []
    for a, s in pairs:
        if a in inactive:
            b = worst[s]
            swap = b >= 0 and market.home[b] == market.home[a] and load[s] >= market.capacity[s]
            single.append((a, b if swap else -1))
    single = list(dict.fromkeys(single))
    batch: list[tuple[int, int]] = []
    touched: set[int] = set()
    for a, b in single:
        if a not in touched and b not in touched:
            batch.append((a, b))
            touched.update((a, b))
    if batch:
        yield tuple(batch)
    for move in single:
        if [move] != batch:
            yield (move,)
    tried = set(single)
    for a in dict.fromkeys(a for a, _ in single):
        others = sorted(placed_from.get(market.home[a], ()),
                        key=lambda c: _vulnerability(market, c, choice[c], frozenset()), reverse=True)
        for c in others:
            if (a, c) not in tried:
                tried.add((a, c))
                yield ((a, c),)


def _state_budget(market: Market) -> int:
    """How many active sets the repair search may settle: more for small markets."""
    size = len(market.prefs) + sum(len(p) for p in market.prefs)
    return max(MIN_REPAIR_STATES, min(MAX_REPAIR_STATES, REPAIR_WORK // max(1, size)))


def _repair(market: Market, active: list[bool], choice: list[int],
            pairs: list[tuple[int, int]]) -> tuple[list[int], list[tuple[int, int]]]:
    """Best-first search over active sets, from the excluded state, following moves
    that remove blocking pairs; the state with the fewest blocking pairs, all of them
    same-workplace swaps (as after exclusion), wins."""
    n = len(active)
    best, best_pairs = choice, pairs
    start = frozenset(a for a in range(n) if not active[a])
    seen = {start}
    frontier = [(len(pairs), 0, start, choice, pairs)]
    budget = _state_budget(market)
    order = 1
    while frontier and budget > 0:
        _, _, inactive, choice, pairs = heappop(frontier)
        for move in _moves(market, inactive, choice, pairs):
            trial = [a not in inactive for a in range(n)]
            for a, b in move:
                trial[a] = True
                if b >= 0:
                    trial[b] = False
            child = _settle(market, trial, protected=frozenset(a for a, _ in move))
            key = frozenset(a for a in range(n) if not trial[a])
            if key in seen:
                continue
            seen.add(key)
            budget -= 1
            child_pairs = blocking_pairs(market, child)
            if len(child_pairs) < len(best_pairs) and only_swaps(market, child, child_pairs):
                best, best_pairs = child, child_pairs
                if not child_pairs:
                    return best, best_pairs
            heappush(frontier, (len(child_pairs), order, key, child, child_pairs))
            order += 1
            if budget <= 0:
                break
    return best, best_pairs


def _exhaustive(market: Market) -> list[int] | None:
    """The first feasible matching without blocking pairs in a depth-first enumeration
    (applicants in id order, each trying its slots best first, then unplaced)."""
    movers = [a for a in range(len(market.prefs)) if market.prefs[a]]
    candidates = 1
    for a in movers:
        candidates *= len(market.prefs[a]) + 1
        if candidates > EXHAUSTIVE_BUDGET:
            return None
    choice = [-1] * len(market.prefs)
    load = [0] * len(market.capacity)
    counts = [0] * len(market.workplaces)

    def place(k: int) -> bool:
        if k == len(movers):
            return not blocking_pairs(market, choice)
        a = movers[k]
        w = market.home[a]
        for i, s in enumerate(market.prefs[a]):
            if load[s] >= market.capacity[s]:
                continue
            if w >= 0 and 0 <= market.away_cap[w] <= counts[w]:
                break
            load[s] += 1
            if w >= 0:
                counts[w] += 1
            choice[a] = i
            if place(k + 1):
                return True
            load[s] -= 1
            if w >= 0:
                counts[w] -= 1
        choice[a] = -1
        return place(k + 1)

    return list(choice) if place(0) else None


def capped_matching(market: Market) -> tuple[list[int], str]:
    """A feasible matching under away-caps, without blocking pairs whenever the method finds one,
    and the name of the step that produced it."""
    active = [True] * len(market.prefs)
    choice = _settle(market, active)
    pairs = blocking_pairs(market, choice)
    if not pairs:
        return choice, METHOD_EXCLUSION if not all(active) else METHOD_DA
    excluded = choice
    choice, pairs = _repair(market, active, choice, pairs)
    if not pairs:
        return choice, METHOD_REPAIR
    exact = _exhaustive(market)
    if exact is not None:
        return exact, METHOD_EXHAUSTIVE
    return choice, METHOD_EXCLUSION if choice is excluded else METHOD_REPAIR


def match(market: Market) -> tuple[list[int], str]:
    """Applicant-optimal stable matching without caps; the capped procedure otherwise."""
    if not market.has_away_caps:
        return deferred_acceptance(market), METHOD_DA
    return capped_matching(market)

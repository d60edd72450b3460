"""Which conditional trainings would lower the optimum, for whom, and what they pay back.

For each activity named in a ``conditional`` authorisation (and costed in
``activities``), the *candidates* are the employees whose profession may do a
task after that activity, who meet the task's skill requirements, lack the
activity and are not already eligible for the task. Training candidates only
adds task -> employee arcs to the network.

1. Solve once with every candidate trained. If the objective does not drop,
   the activity unlocks nothing (adding arcs never makes the optimum worse, so
   no subset can do better either).
2. Keep the classes whose new arcs carry flow in that optimum. That optimal
   flow stays feasible when only they are trained, so the optimum of that set
   equals the optimum with everyone trained: the saving is realised.
3. When at most ``PRUNE_LIMIT`` classes remain and the re-solves stay within
   ``PRUNE_ARC_BUDGET``, try to drop each in turn (re-solving) and keep the
   drop when the optimum is unchanged; the result is inclusion-minimal over
   classes. Otherwise this step is skipped.
4. Within a class of interchangeable employees, train the fewest members that
   carry the class's flow on new arcs: largest capacity first, then by id.

Before step 1, a test on the base optimum's residual graph (residual.py)
skips activities whose new pairs cannot lower the optimum, without solving.
So an activity costs nothing when it has no candidates or provably cannot
help, and otherwise one solve (plus the bounded pruning of step 3).
"""

from __future__ import annotations

import math

import numpy as np

from tillid.matching.leon.model import Activity, Unlock
from tillid.matching.leon.network import FlowSolution, Network, solve_flow
from tillid.matching.leon.residual import Residual, residual_graph

# New (class, task) pairs as two index arrays.
Pairs = tuple[np.ndarray, np.ndarray]

PRUNE_LIMIT = 8
# Pruning re-solves once per class; it runs only while that stays within this
# many arcs in all (a few solves of a 10,000 x 300 instance), so it cannot
# multiply the time of large instances.
PRUNE_ARC_BUDGET = 1_000_000


def find_unlocks(network: Network, base: FlowSolution, activities: tuple[Activity, ...],
                 hourly_cost: dict[str, float], profession_of: dict[str, str]) -> tuple[Unlock, ...]:
    costed = {activity.id: activity for activity in activities}
    unlocks = []
    residual: list[Residual | None] = []      # computed once, when first needed
    for a, activity_id in enumerate(network.activity_ids):
        activity = costed.get(activity_id)
        if activity is None:
            continue
        new = newly_eligible(network, a)
        if len(new[0]) == 0:
            continue
        if not residual:
            residual.append(residual_graph(base, len(network.task_ids) + len(network.class_units) + 2))
        if residual[0] is not None and not could_lower(network, residual[0], new):
            continue
        trained = _trained_set(network, base, new)
        if trained is None:
            continue
        employees, solution = trained
        saving = network.scale.money_value(base.objective_units - solution.objective_units)
        training_cost = math.fsum(activity.cost_dkk + activity.duration_hours * hourly_cost[profession_of[e]]
                                  for e in employees)
        unlocks.append(Unlock(activity=activity_id, employees=employees, training_cost=training_cost,
                              saving_per_week=saving, payback_weeks=round(training_cost / saving, 2)))
    return tuple(sorted(unlocks, key=lambda u: (u.payback_weeks, u.activity)))


def newly_eligible(network: Network, activity: int) -> Pairs:
    """(classes, tasks) of the pairs that become eligible when the class completes the activity."""
    tasks = np.flatnonzero(network.conditional[activity].any(axis=0))
    opens = network.conditional[activity][:, tasks][network.class_profession]
    lacking = ~network.class_completed[:, activity]
    new = network.class_skilled[:, tasks] & opens & lacking[:, None] & ~network.class_eligible[:, tasks]
    new_class, position = np.nonzero(new)
    return new_class, tasks[position]


def could_lower(network: Network, residual: Residual, new: Pairs) -> bool:
    """False only when the new pairs provably leave the optimum as it is (see residual.py)."""
    m = len(network.task_ids)
    new_class, new_task = new
    cost = network.profession_cost[network.class_profession[new_class]] + network.penalty
    current_class = network.employee_class[network.current_employee]
    held = (current_class * m + network.current_task)[network.current_units > 0]
    discounted = np.isin(new_class * m + new_task, held)
    cost = np.where(discounted, cost - 2 * network.penalty, cost)
    task_node, class_node = 1 + new_task, 1 + m + new_class
    reduced = cost + residual.potential[task_node] - residual.potential[class_node]
    if (reduced < 0).any():
        return True
    return bool(residual.from_source[task_node].any() and residual.to_sink[class_node].any())


def _trained_set(network: Network, base: FlowSolution, new: Pairs):
    """Employees to train and the optimum they reach, or None when training cannot lower it."""
    solution = solve_flow(network, *new)
    if solution.objective_units >= base.objective_units:
        return None
    classes = _classes_on_new_arcs(network, solution, new)
    if 1 < len(classes) <= PRUNE_LIMIT and len(classes) * len(network.pair_class) <= PRUNE_ARC_BUDGET:
        for c in list(classes):
            rest = [d for d in classes if d != c]
            attempt = solve_flow(network, *_restrict(new, rest))
            if attempt.rank() == solution.rank():
                classes, solution = rest, attempt
    return _members(network, solution, new, classes), solution


def _on_new(network: Network, solution: FlowSolution, new: Pairs) -> np.ndarray:
    """Which positive pairs of the solution are new pairs."""
    m = len(network.task_ids)
    return np.isin(solution.pair_class * m + solution.pair_task, new[0] * m + new[1])


def _classes_on_new_arcs(network: Network, solution: FlowSolution, new: Pairs) -> list[int]:
    return sorted(set(solution.pair_class[_on_new(network, solution, new)].tolist()))


def _restrict(new: Pairs, classes: list[int]) -> Pairs:
    kept = np.isin(new[0], classes)
    return new[0][kept], new[1][kept]


def _members(network: Network, solution: FlowSolution, new: Pairs, classes: list[int]) -> tuple[str, ...]:
    on_new = _on_new(network, solution, new)
    needed = np.zeros(len(network.class_units), dtype=np.int64)
    np.add.at(needed, solution.pair_class[on_new], solution.pair_units[on_new])
    chosen = []
    for c in classes:
        members = network.class_members[c]
        # Largest capacity first; members are already in id order and the sort is stable.
        members = members[np.argsort(-network.employee_units[members], kind="stable")]
        carried = 0
        for i in members:
            if carried >= needed[c]:
                break
            chosen.append(network.employee_ids[i])
            carried += int(network.employee_units[i])
    return tuple(sorted(chosen))

"""The LEON instance as an integer min-cost-flow network.

Nodes: a source, one node per task, one node per *class* of interchangeable
employees, a sink. Arcs: source -> task (capacity: task hours, cost 0),
task -> class for every eligible pair (cost: hourly cost + change penalty),
class -> sink (capacity: the class's summed capacity, cost 0).

A maximum flow of minimum cost is exactly the contract's lexicographic optimum:
the flow value is the covered hours (so uncovered hours are minimal) and among
all maximum flows the cost is minimal.

The change penalty ``p * |x - c|`` for an employee with current hours ``c`` on
an eligible task is convex and piecewise linear in ``x``: ``p*c + (w-p)*x`` up
to ``c`` and ``(w+p)`` per hour beyond. It becomes two parallel arcs (capacity
``c`` at cost ``w-p``, and the ordinary arc at cost ``w+p``) plus the constant
``p*c``; a minimum-cost flow fills the cheaper arc first. A current pair that is
not eligible only adds the constant ``p*c`` (its hours are 0).

Employees are grouped into classes: same profession, same skill-eligibility on
every task their profession could ever do, same completed conditional
activities, and no current hours (an employee with current hours is a class of
its own). Members of a class are interchangeable in every variant of the
problem the solver builds (the base problem and each training in ``unlocks``),
so merging them into one node with summed capacity changes no optimum; the
class flow is split back onto the members afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from tillid.errors import InvalidInstance
from tillid.matching.leon.model import LeonInstance
from tillid.matching.leon.scaling import Scale, check_range, choose_scale


@dataclass(frozen=True)
class Network:
    """The instance in integer units, with employees grouped into classes."""

    scale: Scale
    task_ids: tuple[str, ...]
    task_units: np.ndarray            # (tasks,) int64
    profession_ids: tuple[str, ...]
    profession_cost: np.ndarray       # (professions,) int64 cost units per hour
    penalty: int                      # change penalty, cost units per hour
    employee_ids: tuple[str, ...]
    employee_profession: np.ndarray   # (employees,) profession index
    employee_units: np.ndarray        # (employees,) capacity in hour units
    employee_class: np.ndarray        # (employees,) class index
    employee_rank: np.ndarray         # (employees,) position in id order
    task_rank: np.ndarray             # (tasks,) position in id order
    class_profession: np.ndarray      # (classes,)
    class_units: np.ndarray           # (classes,) summed capacity
    class_skilled: np.ndarray         # (classes, tasks) bool: skills suffice, profession could do it
    class_completed: np.ndarray       # (classes, activities) bool
    class_eligible: np.ndarray        # (classes, tasks) bool
    pair_class: np.ndarray            # eligible (class, task) pairs, sorted by class then task
    pair_task: np.ndarray
    class_members: tuple[np.ndarray, ...]  # employee indices of each class, sorted by id
    class_size: np.ndarray            # (classes,) number of members
    class_first: np.ndarray           # (classes,) first member in id order
    activity_ids: tuple[str, ...]     # activities named in a conditional authorisation, sorted
    conditional: np.ndarray           # (activities, professions, tasks) bool
    current_employee: np.ndarray      # (current,) employee index
    current_task: np.ndarray          # (current,) task index
    current_units: np.ndarray         # (current,) hour units

    @property
    def current_constant(self) -> int:
        """``p * sum(c)``: the change penalty's constant part."""
        return self.penalty * int(self.current_units.sum())


@dataclass(frozen=True)
class FlowSolution:
    uncovered_units: np.ndarray       # (tasks,) int64
    pair_class: np.ndarray            # class of each positive (class, task) flow, sorted
    pair_task: np.ndarray
    pair_units: np.ndarray
    wage_units: int                   # hour units x cost units
    objective_units: int
    # The network as solved, for the residual graph: arc tails, heads,
    # capacities, true costs and optimal flows (nodes: source 0, tasks 1..m,
    # classes m+1..m+k, sink m+k+1).
    arc_tails: np.ndarray
    arc_heads: np.ndarray
    arc_capacities: np.ndarray
    arc_costs: np.ndarray
    arc_flows: np.ndarray

    @property
    def total_uncovered(self) -> int:
        return int(self.uncovered_units.sum())

    def rank(self) -> tuple[int, int]:
        """The lexicographic objective: uncovered hours, then cost plus penalty."""
        return self.total_uncovered, self.objective_units


def build_network(instance: LeonInstance) -> Network:
    professions = instance.professions
    profession_index = {profession.id: k for k, profession in enumerate(professions)}
    tasks, employees = instance.tasks, instance.employees
    task_index = {task.id: j for j, task in enumerate(tasks)}
    employee_index = {employee.id: i for i, employee in enumerate(employees)}
    current = instance.current or ()

    hours = np.array([t.hours for t in tasks] + [e.capacity_hours for e in employees]
                     + [c.hours for c in current], dtype=np.float64)
    costs = np.array([p.hourly_cost for p in professions] + [instance.change_penalty_per_hour],
                     dtype=np.float64)
    scale = choose_scale(hours, costs)
    task_units = scale.hours(np.array([t.hours for t in tasks], dtype=np.float64))
    profession_cost = scale.costs(np.array([p.hourly_cost for p in professions], dtype=np.float64))
    penalty = int(scale.costs(np.array([instance.change_penalty_per_hour]))[0])
    employee_units = scale.hours(np.array([e.capacity_hours for e in employees], dtype=np.float64))
    current_units = scale.hours(np.array([c.hours for c in current], dtype=np.float64))
    largest_cost = int(profession_cost.max(initial=0)) + penalty
    check_range(int(task_units.sum()) + int(current_units.sum()), largest_cost)

    m, n, n_prof = len(tasks), len(employees), len(professions)
    activity_ids = tuple(sorted({rule.requires_activity for t in tasks for rule in t.conditional}))
    activity_index = {a: k for k, a in enumerate(activity_ids)}
    authorised = np.zeros((n_prof, m), dtype=bool)
    conditional = np.zeros((len(activity_ids), n_prof, m), dtype=bool)
    for j, task in enumerate(tasks):
        for profession in task.authorised:
            authorised[profession_index[profession], j] = True
        for rule in task.conditional:
            conditional[activity_index[rule.requires_activity], profession_index[rule.profession], j] = True
    possible = authorised | conditional.any(axis=0)          # (professions, tasks)
    relevant = conditional.any(axis=2).T                      # (professions, activities)

    employee_profession = np.array([profession_index[e.profession] for e in employees], dtype=np.int64)
    skilled = _skilled(employees, tasks) & possible[employee_profession]
    completed = _completed(employees, activity_index) & relevant[employee_profession]
    has_current = np.zeros(n, dtype=bool)
    current_employee = np.array([employee_index[c.employee] for c in current], dtype=np.int64)
    current_task = np.array([task_index[c.task] for c in current], dtype=np.int64)
    has_current[current_employee] = True

    employee_class, first = _classes(employee_profession, skilled, completed, has_current)
    k = len(first)
    class_profession = employee_profession[first]
    class_skilled = skilled[first]
    class_completed = completed[first]
    class_units = _class_capacity(employee_class, employee_units, k, int(task_units.sum()))
    class_eligible = authorised[class_profession] & class_skilled
    for a, p in zip(*np.nonzero(conditional.any(axis=2))):
        rows = np.flatnonzero((class_profession == p) & class_completed[:, a])
        columns = np.flatnonzero(conditional[a, p])
        block = np.ix_(rows, columns)
        class_eligible[block] |= class_skilled[block]

    pair_class, pair_task = np.nonzero(class_eligible)
    employee_ids = tuple(e.id for e in employees)
    by_id = np.array(sorted(range(n), key=employee_ids.__getitem__), dtype=np.int64)
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[by_id] = np.arange(n)
    order = np.lexsort((id_rank, employee_class))
    bounds = np.searchsorted(employee_class[order], np.arange(k + 1))
    members = tuple(order[bounds[c]:bounds[c + 1]] for c in range(k))
    task_ids = tuple(t.id for t in tasks)
    task_rank = np.empty(m, dtype=np.int64)
    task_rank[np.array(sorted(range(m), key=task_ids.__getitem__), dtype=np.int64)] = np.arange(m)

    return Network(
        scale=scale, task_ids=task_ids, task_units=task_units,
        profession_ids=tuple(p.id for p in professions), profession_cost=profession_cost,
        penalty=penalty, employee_ids=employee_ids, employee_profession=employee_profession,
        employee_units=employee_units, employee_class=employee_class, employee_rank=id_rank,
        task_rank=task_rank, class_size=np.diff(bounds), class_first=order[bounds[:-1]],
        class_profession=class_profession, class_units=class_units, class_skilled=class_skilled,
        class_completed=class_completed, class_eligible=class_eligible, class_members=members,
        pair_class=pair_class, pair_task=pair_task,
        activity_ids=activity_ids, conditional=conditional, current_employee=current_employee,
        current_task=current_task, current_units=current_units)


NO_PAIRS = np.zeros(0, dtype=np.int64)


def solve_flow(network: Network, extra_class: np.ndarray = NO_PAIRS,
               extra_task: np.ndarray = NO_PAIRS) -> FlowSolution:
    """Maximum flow of minimum cost; ``extra_*`` are pairs made eligible on top of the instance's."""
    m, k = len(network.task_units), len(network.class_units)
    pair_class = np.concatenate([network.pair_class, extra_class])
    pair_task = np.concatenate([network.pair_task, extra_task])
    class_cost = network.profession_cost[network.class_profession]
    pair_cost = class_cost[pair_class] + network.penalty
    pair_capacity = np.minimum(network.task_units[pair_task], network.class_units[pair_class])

    # The cheaper arc of the change penalty, for current pairs that are eligible.
    current_class = network.employee_class[network.current_employee]
    eligible = network.class_eligible[current_class, network.current_task]
    if len(extra_class):
        eligible |= np.isin(current_class * m + network.current_task, extra_class * m + extra_task)
    keep = (network.current_units > 0) & eligible
    cheap_class, cheap_task = current_class[keep], network.current_task[keep]
    cheap_cost = class_cost[cheap_class] - network.penalty
    cheap_capacity = np.minimum(network.current_units[keep], network.task_units[cheap_task])

    source, sink = 0, m + k + 1
    arc_class = np.concatenate([pair_class, cheap_class])
    arc_task = np.concatenate([pair_task, cheap_task])
    arc_cost = np.concatenate([pair_cost, cheap_cost])
    tails = np.concatenate([np.full(m, source), 1 + arc_task, 1 + m + np.arange(k)])
    heads = np.concatenate([1 + np.arange(m), 1 + m + arc_class, np.full(k, sink)])
    capacities = np.concatenate([network.task_units, pair_capacity, cheap_capacity, network.class_units])
    node_costs_only = network.penalty == 0 or len(cheap_cost) == 0
    solver_cost = _cost_ranks(arc_cost, network.profession_cost, network.penalty) if node_costs_only else arc_cost
    costs = np.concatenate([np.zeros(m, dtype=np.int64), solver_cost, np.zeros(k, dtype=np.int64)])

    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities.astype(np.int64), costs.astype(np.int64))
    total = int(network.task_units.sum())
    solver.set_node_supply(source, total)
    solver.set_node_supply(sink, -total)
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        if status in (solver.BAD_COST_RANGE, solver.BAD_CAPACITY_RANGE):
            raise InvalidInstance("", "the instance's numbers are too large for exact integer arithmetic")
        raise InvalidInstance("", f"the flow solver did not reach an optimum (status {status})")
    flows = solver.flows(np.arange(len(tails), dtype=np.int32)).astype(np.int64)

    covered = flows[:m]
    arc_flow = flows[m:m + len(arc_class)]
    objective = int((arc_flow * arc_cost).sum()) + network.current_constant
    positive = arc_flow > 0
    key = arc_class[positive] * m + arc_task[positive]
    pairs, inverse = np.unique(key, return_inverse=True)
    units = np.zeros(len(pairs), dtype=np.int64)
    np.add.at(units, inverse, arc_flow[positive])
    pair_classes, pair_tasks = pairs // m, pairs % m
    wage = int((units * class_cost[pair_classes]).sum())
    true_costs = np.concatenate([np.zeros(m, dtype=np.int64), arc_cost, np.zeros(k, dtype=np.int64)])
    return FlowSolution(uncovered_units=network.task_units - covered, pair_class=pair_classes,
                        pair_task=pair_tasks, pair_units=units, wage_units=wage,
                        objective_units=objective, arc_tails=tails, arc_heads=heads,
                        arc_capacities=capacities, arc_costs=true_costs, arc_flows=flows)


def _cost_ranks(arc_cost: np.ndarray, profession_cost: np.ndarray, penalty: int) -> np.ndarray:
    """Dense ranks 1, 2, ... of the costs, in the same order and with the same ties.

    Used only when every arc's cost depends on its employee class alone (no
    change penalty, or no current pair that is eligible). Then the hours each
    class takes in a maximum flow form a base of a polymatroid (a gammoid's
    rank function bounds them), and a base is of minimum cost exactly when
    it takes the most hours possible into every set of classes at or below each
    cost level. That condition depends on the order of the costs only, so the
    ranks give the same optimal flows with a smaller cost range, which makes
    the cost-scaling solver faster. The objective is computed with the true costs.
    """
    # Every arc costs its profession's cost plus the penalty, so the handful
    # of profession costs give the levels.
    levels = np.unique(profession_cost) + penalty
    return np.searchsorted(levels, arc_cost).astype(np.int64) + 1


def _skilled(employees, tasks) -> np.ndarray:
    """(employees, tasks) bool: every required skill at least at the minimum level."""
    skill_ids = sorted({skill for task in tasks for skill, level in task.requires if level > 0})
    index = {skill: s for s, skill in enumerate(skill_ids)}.get
    counts = np.fromiter((len(e.skills) for e in employees), dtype=np.int64, count=len(employees))
    rows = np.repeat(np.arange(len(employees)), counts)
    columns = np.fromiter((index(skill, -1) for e in employees for skill, _ in e.skills),
                          dtype=np.int64, count=int(counts.sum()))
    values = np.fromiter((level for e in employees for _, level in e.skills),
                         dtype=np.float64, count=int(counts.sum()))
    known = columns >= 0
    levels = np.zeros((len(employees), len(skill_ids)), dtype=np.float64, order="F")
    levels[rows[known], columns[known]] = values[known]
    skilled = np.ones((len(employees), len(tasks)), dtype=bool, order="F")
    for j, task in enumerate(tasks):
        for skill, level in task.requires:
            if level > 0:
                skilled[:, j] &= levels[:, index(skill)] >= level
    return np.ascontiguousarray(skilled)


def _completed(employees, activity_index: dict[str, int]) -> np.ndarray:
    """(employees, activities) bool: the conditional activities each employee has completed."""
    index = activity_index.get
    counts = np.fromiter((len(e.completed) for e in employees), dtype=np.int64, count=len(employees))
    rows = np.repeat(np.arange(len(employees)), counts)
    columns = np.fromiter((index(a, -1) for e in employees for a in e.completed),
                          dtype=np.int64, count=int(counts.sum()))
    completed = np.zeros((len(employees), len(activity_index)), dtype=bool)
    known = columns >= 0
    completed[rows[known], columns[known]] = True
    return completed


def _class_capacity(employee_class, employee_units, classes: int, total_task_units: int) -> np.ndarray:
    """Summed capacity per class, capped at the total task hours (more can never be used).

    The cap keeps every capacity within int64 however many employees a class has.
    """
    capped = np.minimum(employee_units, total_task_units)
    approximate = np.bincount(employee_class, weights=capped.astype(np.float64), minlength=classes)
    exact = np.zeros(classes, dtype=np.int64)
    small = approximate[employee_class] < 2.0**61
    np.add.at(exact, employee_class[small], capped[small])
    return np.where(approximate < 2.0**61, np.minimum(exact, total_task_units), total_task_units).astype(np.int64)


def _classes(profession, skilled, completed, has_current) -> tuple[np.ndarray, np.ndarray]:
    """Class of each employee and the first member of each class (deterministic order)."""
    n = len(profession)
    own = np.where(has_current, np.arange(1, n + 1), 0).astype(">i8")
    key = np.concatenate([
        profession.astype(">i4").view(np.uint8).reshape(n, 4),
        own.view(np.uint8).reshape(n, 8),
        np.packbits(skilled, axis=1),
        np.packbits(completed, axis=1),
    ], axis=1)
    key = np.ascontiguousarray(key)
    rows = key.view(np.dtype((np.void, key.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    return inverse.ravel().astype(np.int64), first.astype(np.int64)

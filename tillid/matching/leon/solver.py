"""``solve_instance``: the LEON optimum, moves, current cost and unlocks."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from tillid.matching.leon.model import (
    Assignment,
    LeonInstance,
    LeonResult,
    Move,
    UncoveredTask,
)
from tillid.matching.leon.network import FlowSolution, Network, build_network, solve_flow
from tillid.matching.leon.unlocks import find_unlocks


def solve_instance(instance: LeonInstance) -> LeonResult:
    network = build_network(instance)
    base = solve_flow(network)
    scale = network.scale
    current_cost = current_within_demand = moves = unlocks = None
    if instance.current is not None:
        current_cost = scale.money_value(_current_wage_units(network))
        within = _current_within_demand(network)
        current_within_demand = scale.money_value(_wage_units(network, within))
        moves = _moves(network, base, within)
    if instance.activities is not None:
        hourly_cost = {p.id: p.hourly_cost for p in instance.professions}
        profession_of = {e.id: e.profession for e in instance.employees}
        unlocks = find_unlocks(network, base, instance.activities, hourly_cost, profession_of)
    uncovered = tuple(
        UncoveredTask(task=network.task_ids[j], hours=scale.hours_value(int(units)))
        for j, units in sorted(enumerate(base.uncovered_units), key=lambda item: network.task_ids[item[0]])
        if units > 0)
    return LeonResult(
        status="optimal",
        uncovered_hours=scale.hours_value(base.total_uncovered),
        total_cost=scale.money_value(base.wage_units),
        objective=scale.money_value(base.objective_units),
        assignments=_assignments(network, base),
        uncovered=uncovered,
        current_cost=current_cost,
        current_cost_within_demand=current_within_demand,
        moves=moves,
        unlocks=unlocks,
    )


def _assignments(network: Network, solution: FlowSolution) -> tuple[Assignment, ...]:
    """Class flows as employee hours, sorted by employee id then task id.

    A class of one employee maps directly. A larger class is split onto its
    members: members in id order, each filled up to capacity, tasks in input order.
    """
    single = network.class_size[solution.pair_class] == 1
    employees = [network.class_first[solution.pair_class[single]]]
    tasks = [solution.pair_task[single]]
    units = [solution.pair_units[single]]
    shared = np.flatnonzero(~single)
    if len(shared):
        rows = _split_shared_classes(network, solution, shared)
        employees.append(np.array([r[0] for r in rows], dtype=np.int64))
        tasks.append(np.array([r[1] for r in rows], dtype=np.int64))
        units.append(np.array([r[2] for r in rows], dtype=np.int64))
    employee, task, unit = np.concatenate(employees), np.concatenate(tasks), np.concatenate(units)
    order = np.lexsort((network.task_rank[task], network.employee_rank[employee]))
    employee_ids, task_ids, hour_unit = network.employee_ids, network.task_ids, network.scale.hour_unit
    return tuple(Assignment(employee=employee_ids[i], task=task_ids[j], hours=u / hour_unit)
                 for i, j, u in zip(employee[order].tolist(), task[order].tolist(), unit[order].tolist()))


def _split_shared_classes(network: Network, solution: FlowSolution,
                          shared: np.ndarray) -> list[tuple[int, int, int]]:
    """(employee, task, units) rows for pairs of classes with several members.

    Each member takes a contiguous run of the class's flow, so an employee gets
    each task at most once.
    """
    rows = []
    pair_class = solution.pair_class[shared].tolist()
    pair_task = solution.pair_task[shared].tolist()
    pair_units = solution.pair_units[shared].tolist()
    position = 0
    while position < len(pair_class):
        c = pair_class[position]
        members = network.class_members[c]
        member, left = 0, int(network.employee_units[members[0]])
        while position < len(pair_class) and pair_class[position] == c:
            task, units = pair_task[position], pair_units[position]
            while units > 0:
                while left == 0:
                    member += 1
                    left = int(network.employee_units[members[member]])
                take = min(units, left)
                rows.append((int(members[member]), task, take))
                units -= take
                left -= take
            position += 1
    return rows


def _current_wage_units(network: Network) -> int:
    professions = network.employee_profession[network.current_employee]
    return int((network.current_units * network.profession_cost[professions]).sum())


# Hour units per (task, profession), keyed task -> profession -> units.
ProfessionHours = dict[int, dict[int, int]]


def _wage_units(network: Network, hours: ProfessionHours) -> int:
    cost = network.profession_cost.tolist()
    return sum(units * cost[p] for per_task in hours.values() for p, units in per_task.items())


def _current_within_demand(network: Network) -> ProfessionHours:
    """Today's hours per task and profession, counted only up to the task's demand.

    Where people report more hours on a task than it needs, the excess is taken
    off the most expensive profession first (equal costs: profession id order),
    so the hours left are the cheapest way today's staff cover the demand. What
    is taken off is the hours the task no longer needs (``current_cost`` minus
    ``current_cost_within_demand`` is their cost); the rest is what ``moves``
    compares the proposal with.
    """
    reported: ProfessionHours = defaultdict(lambda: defaultdict(int))
    for i, j, units in zip(network.current_employee.tolist(), network.current_task.tolist(),
                           network.current_units.tolist()):
        reported[j][int(network.employee_profession[i])] += units
    cost = network.profession_cost.tolist()
    name = network.profession_ids
    demand = network.task_units.tolist()
    within: ProfessionHours = {}
    for j, per_profession in reported.items():
        excess = sum(per_profession.values()) - demand[j]
        kept = dict(per_profession)
        for p in sorted(kept, key=lambda p: (-cost[p], name[p])):
            if excess <= 0:
                break
            taken = min(excess, kept[p])
            kept[p] -= taken
            excess -= taken
        within[j] = {p: units for p, units in kept.items() if units > 0}
    return within


def _moves(network: Network, solution: FlowSolution, within: ProfessionHours) -> tuple[Move, ...]:
    """Per task, hours that shift between professions (today within demand -> optimum).

    Per task and profession the change in hours, from today's hours counted up
    to the task's demand (``_current_within_demand``) to the optimum, is netted;
    the professions that lose hours are matched to those that gain, most
    expensive loser to cheapest gainer first. Hours the task no longer needs,
    hours that become uncovered and hours newly covered are not moves. So
    ``current_cost_within_demand - total_cost`` is the moves' summed saving, plus
    the cost of hours that become uncovered, minus the cost of hours newly
    covered (the most expensive gains of a task, those no loser is matched to).
    """
    change: ProfessionHours = defaultdict(lambda: defaultdict(int))
    for c, j, units in zip(solution.pair_class.tolist(), solution.pair_task.tolist(),
                           solution.pair_units.tolist()):
        change[j][int(network.class_profession[c])] += units
    for j, per_profession in within.items():
        for p, units in per_profession.items():
            change[j][p] -= units
    cost = network.profession_cost.tolist()
    name = network.profession_ids
    moves = []
    for j in sorted(change, key=lambda j: network.task_ids[j]):
        losers = sorted(((-d, p) for p, d in change[j].items() if d < 0), key=lambda x: (-cost[x[1]], name[x[1]]))
        gainers = sorted(((d, p) for p, d in change[j].items() if d > 0), key=lambda x: (cost[x[1]], name[x[1]]))
        shifted: dict[tuple[int, int], int] = defaultdict(int)
        li = gi = 0
        losers = [list(x) for x in losers]
        gainers = [list(x) for x in gainers]
        while li < len(losers) and gi < len(gainers):
            units = min(losers[li][0], gainers[gi][0])
            shifted[losers[li][1], gainers[gi][1]] += units
            losers[li][0] -= units
            gainers[gi][0] -= units
            li += losers[li][0] == 0
            gi += gainers[gi][0] == 0
        for (p, q), units in sorted(shifted.items(), key=lambda item: (name[item[0][0]], name[item[0][1]])):
            moves.append(Move(task=network.task_ids[j], from_profession=name[p], to_profession=name[q],
                              hours=network.scale.hours_value(units),
                              saving_per_week=network.scale.money_value(units * (cost[p] - cost[q]))))
    return tuple(moves)

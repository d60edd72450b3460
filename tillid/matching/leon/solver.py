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
    base = solve_flow(network, network.class_eligible)
    scale = network.scale
    current_cost = moves = unlocks = None
    if instance.current is not None:
        current_cost = scale.money_value(_current_wage_units(network))
        moves = _moves(network, base)
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
        moves=moves,
        unlocks=unlocks,
    )


def _assignments(network: Network, solution: FlowSolution) -> tuple[Assignment, ...]:
    """Split each class's flow onto its members: members in id order, tasks in input order."""
    hours = network.scale.hours_value
    rows: list[tuple[str, str, int]] = []
    if len(solution.pair_class) == 0:
        return ()
    starts = np.flatnonzero(np.r_[True, solution.pair_class[1:] != solution.pair_class[:-1]])
    ends = np.r_[starts[1:], len(solution.pair_class)]
    for start, end in zip(starts.tolist(), ends.tolist()):
        members = network.class_members[int(solution.pair_class[start])]
        member, left = 0, int(network.employee_units[members[0]])
        for task, units in zip(solution.pair_task[start:end].tolist(), solution.pair_units[start:end].tolist()):
            while units > 0:
                while left == 0:
                    member += 1
                    left = int(network.employee_units[members[member]])
                take = min(units, left)
                rows.append((network.employee_ids[members[member]], network.task_ids[task], take))
                units -= take
                left -= take
    merged: dict[tuple[str, str], int] = defaultdict(int)
    for employee, task, units in rows:
        merged[employee, task] += units
    return tuple(Assignment(employee=e, task=t, hours=hours(u)) for (e, t), u in sorted(merged.items()))


def _current_wage_units(network: Network) -> int:
    professions = network.employee_profession[network.current_employee]
    return int((network.current_units * network.profession_cost[professions]).sum())


def _moves(network: Network, solution: FlowSolution) -> tuple[Move, ...]:
    """Per task, hours that shift between professions (current -> optimum).

    Per task and profession the change in hours is netted; the professions that
    lose hours are matched to those that gain, most expensive loser to cheapest
    gainer first. Hours that become uncovered or newly covered are not moves.
    """
    change: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for c, j, units in zip(solution.pair_class.tolist(), solution.pair_task.tolist(),
                           solution.pair_units.tolist()):
        change[j][int(network.class_profession[c])] += units
    for i, j, units in zip(network.current_employee.tolist(), network.current_task.tolist(),
                           network.current_units.tolist()):
        change[j][int(network.employee_profession[i])] -= units
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

"""The skip test of ``unlocks`` never skips a training that would lower the optimum."""

from hypothesis import HealthCheck, given, settings

from tests.unit.matching.leon.test_against_lp import instances
from tillid.matching.leon import parse_instance
from tillid.matching.leon.network import build_network, solve_flow
from tillid.matching.leon.residual import residual_graph
from tillid.matching.leon.unlocks import could_lower, newly_eligible


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_potentials_are_feasible_and_skipped_activities_cannot_lower_the_optimum(data):
    network = build_network(parse_instance(data))
    base = solve_flow(network)
    nodes = len(network.task_ids) + len(network.class_units) + 2
    residual = residual_graph(base, nodes)
    assert residual is not None
    forward = base.arc_flows < base.arc_capacities
    backward = base.arc_flows > 0
    d = residual.potential
    assert (base.arc_costs[forward] + d[base.arc_tails[forward]] - d[base.arc_heads[forward]] >= 0).all()
    assert (-base.arc_costs[backward] + d[base.arc_heads[backward]] - d[base.arc_tails[backward]] >= 0).all()
    assert not residual.to_sink[0]          # the base flow is maximum
    for activity in range(len(network.activity_ids)):
        new = newly_eligible(network, activity)
        if len(new[0]) == 0:
            continue
        trained = solve_flow(network, *new)
        if trained.rank() < base.rank():
            assert could_lower(network, residual, new)

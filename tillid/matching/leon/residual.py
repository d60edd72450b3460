"""The residual graph of an optimal flow: potentials and reachability.

Used by ``unlocks`` to skip, without solving, trainings that cannot lower the
optimum. At a maximum flow of minimum cost the residual graph has no negative
cycle and no source -> sink path. Adding arcs (newly eligible pairs) can lower
the optimum only through a negative cycle or a source -> sink path that uses a
new arc:

- with potentials ``pi`` under which every residual arc has a non-negative
  reduced cost ``cost + pi[tail] - pi[head]``, a cycle's cost is the sum of its
  reduced costs, so a negative cycle needs a new arc of negative reduced cost;
- a new source -> sink path must enter its first new arc at a node reachable
  from the source and leave its last new arc at a node from which the sink is
  reachable, both in the old residual graph.

If neither can happen the optimum stays; otherwise the solver re-solves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tillid.matching.leon.network import FlowSolution


@dataclass(frozen=True)
class Residual:
    potential: np.ndarray        # (nodes,) int64: reduced costs are non-negative
    from_source: np.ndarray      # (nodes,) bool: reachable from the source
    to_sink: np.ndarray          # (nodes,) bool: the sink is reachable from it


def residual_graph(solution: FlowSolution, nodes: int) -> Residual | None:
    """Potentials and reachability of the solution's residual graph (None if not found)."""
    flows, capacities = solution.arc_flows, solution.arc_capacities
    forward = flows < capacities
    backward = flows > 0
    tails = np.concatenate([solution.arc_tails[forward], solution.arc_heads[backward]])
    heads = np.concatenate([solution.arc_heads[forward], solution.arc_tails[backward]])
    costs = np.concatenate([solution.arc_costs[forward], -solution.arc_costs[backward]])
    potential = _shortest_from_virtual_root(tails, heads, costs, nodes)
    if potential is None:
        return None
    source, sink = 0, nodes - 1
    return Residual(potential=potential, from_source=_reachable(tails, heads, source, nodes),
                    to_sink=_reachable(heads, tails, sink, nodes))


def _shortest_from_virtual_root(tails, heads, costs, nodes: int) -> np.ndarray | None:
    """Bellman-Ford from a root with a 0-cost arc to every node, vectorised by rounds.

    The distances ``d`` satisfy ``d[head] <= d[tail] + cost`` on every arc, so
    every reduced cost ``cost + d[tail] - d[head]`` is non-negative. None when
    the rounds do not settle (a negative cycle, which an optimal flow cannot have).
    """
    distance = np.zeros(nodes, dtype=np.int64)
    if len(tails) == 0:
        return distance
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    targets = heads[starts]
    for _ in range(nodes + 1):
        best = np.minimum.reduceat(distance[tails] + costs, starts)
        improved = best < distance[targets]
        if not improved.any():
            return distance
        distance[targets[improved]] = best[improved]
    return None


def _reachable(tails, heads, start: int, nodes: int) -> np.ndarray:
    seen = np.zeros(nodes, dtype=bool)
    seen[start] = True
    frontier = seen.copy()
    while frontier.any():
        reached = np.zeros(nodes, dtype=bool)
        reached[heads[frontier[tails]]] = True
        frontier = reached & ~seen
        seen |= frontier
    return seen

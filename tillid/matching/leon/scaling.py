"""Exact integer arithmetic: hours and money scaled by powers of ten.

The flow solver works on 64-bit integers. Every hour value (task hours,
capacities, current hours) is multiplied by ``10**d`` and every money value per
hour (hourly costs, the change penalty) by ``10**e``, with ``d`` and ``e`` the
fewest decimals that represent all values of the instance exactly. So an
instance whose numbers have at most ``MAX_HOUR_DECIMALS`` resp.
``MAX_COST_DECIMALS`` decimals is solved exactly; finer values are rounded to
that precision (1e-6 hour, 1e-4 DKK per hour).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tillid.errors import InvalidInstance

MAX_HOUR_DECIMALS = 6
MAX_COST_DECIMALS = 4
# Every partial sum of flow x cost stays below this bound, so int64 never overflows.
INT_LIMIT = 2**62


@dataclass(frozen=True, slots=True)
class Scale:
    hour_decimals: int
    cost_decimals: int

    @property
    def hour_unit(self) -> int:
        return 10**self.hour_decimals

    @property
    def cost_unit(self) -> int:
        return 10**self.cost_decimals

    def hours(self, values: np.ndarray) -> np.ndarray:
        return _to_units(values, self.hour_unit)

    def costs(self, values: np.ndarray) -> np.ndarray:
        return _to_units(values, self.cost_unit)

    def hours_value(self, units: int) -> float:
        """Hours as the float nearest to the exact value (int / int rounds correctly)."""
        return units / self.hour_unit

    def money_value(self, units: int) -> float:
        """Money (hour units x cost units) as the float nearest to the exact value."""
        return units / (self.hour_unit * self.cost_unit)


def choose_scale(hours: np.ndarray, costs: np.ndarray) -> Scale:
    return Scale(_decimals(hours, MAX_HOUR_DECIMALS), _decimals(costs, MAX_COST_DECIMALS))


def check_range(total_hour_units: int, max_cost_units: int, what: str = "instance") -> None:
    """Refuse an instance whose exact objective could overflow 64-bit integers."""
    if total_hour_units * max(max_cost_units, 1) >= INT_LIMIT or total_hour_units >= 2**61:
        raise InvalidInstance(
            "", f"the {what} is too large for exact integer arithmetic "
                "(total task hours x largest hourly cost exceeds 2**62 at the instance's precision)")


def _decimals(values: np.ndarray, most: int) -> int:
    """Fewest decimals d <= most such that every value times 10**d is a whole number."""
    if values.size == 0:
        return 0
    for decimals in range(most + 1):
        scaled = values * float(10**decimals)
        if np.all(np.abs(scaled - np.rint(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return decimals
    return most


def _to_units(values: np.ndarray, unit: int) -> np.ndarray:
    scaled = np.rint(np.asarray(values, dtype=np.float64) * float(unit))
    if scaled.size and scaled.max() >= INT_LIMIT:
        raise InvalidInstance("", "a number is too large for exact integer arithmetic at the instance's precision")
    return scaled.astype(np.int64)

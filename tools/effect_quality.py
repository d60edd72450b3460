"""Held-out quality of the effect estimator on the demo data (docs/upskilling.md, "Measured effect").

    PYTHONPATH=. python tools/effect_quality.py --scale 0.25 --seed 42

Generates the demo event history, gathers the estimator's rows from it (the
rules the store uses, tools/effect_rows.py), fits on the
earliest 75 % of completions and scores the latest 25 % (a time split): ROC
AUC and Brier score. Also the Spearman correlation between the planted effect
per provider and kind and the estimated one (fitted on all rows).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from scipy.stats import spearmanr

from tillid.competence.demo import generate_events
from tillid.competence.demo.catalogue import planted_probability
from tillid.matching.upskilling.effect_estimate import EffectEstimator, held_out_quality
from tools.effect_rows import rows_from_events


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    rows = rows_from_events(generate_events(seed=args.seed, scale=args.scale))
    estimator = EffectEstimator()
    quality = held_out_quality(rows.participations, rows.comparisons, estimator)
    estimates = estimator.estimate(rows.catalogue, rows.participations, rows.comparisons)
    by_group: dict[tuple[str, str], list[float]] = defaultdict(list)
    for entry in rows.catalogue:
        if _planted(entry.provider, entry.kind) is not None:
            by_group[(entry.provider, entry.kind)].append(estimates[entry.activity_id].effect)
    groups = sorted(by_group)
    rho = spearmanr([_planted(*g) for g in groups], [sum(by_group[g]) / len(by_group[g]) for g in groups]).statistic
    print(f"scale {args.scale}, seed {args.seed}: {len(rows.participations)} outcomes, "
          f"{sum(c.count for c in rows.comparisons)} comparison assessments")
    print(f"time split: train {quality.train}, test {quality.test}; held-out AUC {quality.auc:.3f}, "
          f"Brier {quality.brier:.3f}; observed rate {quality.observed_rate:.3f}, "
          f"mean predicted {quality.mean_predicted:.3f}")
    print(f"Spearman, planted vs estimated effect over {len(groups)} provider x kind groups: {rho:.3f}")
    return 0


def _planted(provider: str, kind: str) -> float | None:
    try:
        return planted_probability(provider, kind)
    except KeyError:
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

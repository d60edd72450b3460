"""The effect estimator recovers the demo data's planted effect per provider and kind from its event history."""

from collections import defaultdict

from scipy.stats import spearmanr

from tillid.competence.demo import generate_events
from tillid.competence.demo.catalogue import PLANTED_EFFECT, PLANTED_KIND_FACTOR, planted_probability
from tillid.matching.upskilling.effect_estimate import EffectEstimator
from tools.effect_rows import rows_from_events


def test_planted_order_of_effects_is_recovered_per_provider_and_kind():
    rows = rows_from_events(generate_events(seed=42, scale=0.1))
    assert len(rows.participations) > 300
    estimates = EffectEstimator().estimate(rows.catalogue, rows.participations, rows.comparisons)
    by_group: dict[tuple[str, str], list[float]] = defaultdict(list)
    for entry in rows.catalogue:
        by_group[(entry.provider, entry.kind)].append(estimates[entry.activity_id].effect)
    groups = [(p, k) for p in sorted(PLANTED_EFFECT) for k in sorted(PLANTED_KIND_FACTOR) if (p, k) in by_group]
    assert len(groups) == len(PLANTED_EFFECT) * len(PLANTED_KIND_FACTOR)
    measured = [sum(by_group[g]) / len(by_group[g]) for g in groups]
    rho = spearmanr([planted_probability(*g) for g in groups], measured).statistic
    assert rho >= 0.8, rho


def test_rows_take_the_level_before_and_any_assessment_within_180_days():
    events = [
        {"type": "LearningActivityPublished", "payload": {"activity_id": "a", "kind": "course", "provider": "P",
                                                          "teaches": [{"skill": "s", "to_level": 3}]}},
        {"type": "EmployeeUpserted", "payload": {"employee_id": "e", "profession_id": "ssa"}},
        {"type": "CompetenceAssessed", "payload": {"employee_id": "e", "skill": "s", "level": 1,
                                                   "assessed_on": "2026-01-01"}},
        {"type": "CourseCompleted", "payload": {"employee_id": "e", "activity_id": "a", "passed": True,
                                                "completed_on": "2026-02-01"}},
        {"type": "CompetenceAssessed", "payload": {"employee_id": "e", "skill": "s", "level": 2,
                                                   "assessed_on": "2026-05-01"}},
        {"type": "CompetenceAssessed", "payload": {"employee_id": "e", "skill": "s", "level": 3,
                                                   "assessed_on": "2026-09-01"}},
        {"type": "EmployeeUpserted", "payload": {"employee_id": "f", "profession_id": "ssa"}},
        {"type": "CompetenceAssessed", "payload": {"employee_id": "f", "skill": "s", "level": 1,
                                                   "assessed_on": "2026-01-01"}},
        {"type": "CompetenceAssessed", "payload": {"employee_id": "f", "skill": "s", "level": 3,
                                                   "assessed_on": "2026-04-01"}},
    ]
    rows = rows_from_events(events)
    (took,) = rows.participations
    assert (took.level_before, took.promised_level, took.profession, took.reached) == (1, 3, "ssa", False)
    assert sorted((c.level, c.best_level_after) for c in rows.comparisons) == [(1, 3), (2, 3), (3, 3), (3, 3)]

"""The effect model recovers the demo organisation's planted provider effects from its event history."""

from scipy.stats import spearmanr

from tillid.competence.demo import PLANTED_EFFECT, generate_events
from tillid.matching.upskilling.effect import EffectModel
from tillid.matching.upskilling.outcomes import outcomes_from_events


def test_provider_ranking_is_recovered_from_demo_history():
    outcomes = outcomes_from_events(generate_events(seed=42, scale=1.0))
    assert len(outcomes) > 2000
    model = EffectModel(random_state=0).fit(outcomes)
    measured = dict(model.provider_effects())
    providers = sorted(PLANTED_EFFECT)
    assert set(measured) == set(providers)
    rho = spearmanr([PLANTED_EFFECT[p] for p in providers], [measured[p] for p in providers]).statistic
    assert rho >= 0.8
    assert model.quality_.auc > 0.55


def test_outcomes_take_the_first_assessment_after_completion():
    events = [
        {"type": "LearningActivityPublished", "payload": {"activity_id": "a", "kind": "course", "provider": "P",
                                                          "teaches": [{"skill": "s", "to_level": 3}]}},
        {"type": "CompetenceAssessed", "payload": {"employee_id": "e", "skill": "s", "level": 1,
                                                   "assessed_on": "2026-01-01"}},
        {"type": "CourseCompleted", "payload": {"employee_id": "e", "activity_id": "a", "passed": True,
                                                "completed_on": "2026-02-01"}},
        {"type": "CompetenceAssessed", "payload": {"employee_id": "e", "skill": "s", "level": 2,
                                                   "assessed_on": "2026-05-01"}},
        {"type": "CompetenceAssessed", "payload": {"employee_id": "e", "skill": "s", "level": 3,
                                                   "assessed_on": "2026-09-01"}},
    ]
    (outcome,) = outcomes_from_events(events)
    assert (outcome.level_before, outcome.promised_level, outcome.level_after) == (1, 3, 2)
    assert not outcome.delivered

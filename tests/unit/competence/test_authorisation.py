"""effective_authorisation: national baseline combined with local rules, latest rule wins."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillid.competence.model import AuthorisationRule, SkillRequirement, Task, effective_authorisation

TASK = Task("t-medicine", "Medicin", "Medicine", (SkillRequirement("s", 3),), ("nurse", "sosu-assistant"), False)


def rule(profession, allowed, activity=None, task="t-medicine", org="org-a"):
    return AuthorisationRule(org, task, profession, allowed, activity)


def test_without_rules_the_baseline_holds():
    assert effective_authorisation(TASK, []) == (("nurse", "sosu-assistant"), {})


def test_forbidding_removes_a_baseline_profession():
    allowed, conditional = effective_authorisation(TASK, [rule("sosu-assistant", False)])
    assert allowed == ("nurse",) and conditional == {}


def test_allowing_with_an_activity_makes_it_conditional():
    allowed, conditional = effective_authorisation(TASK, [rule("sosu-helper", True, "act-medicine")])
    assert allowed == ("nurse", "sosu-assistant")
    assert conditional == {"sosu-helper": "act-medicine"}


def test_a_condition_on_a_baseline_profession_replaces_its_free_permission():
    allowed, conditional = effective_authorisation(TASK, [rule("sosu-assistant", True, "act-refresh")])
    assert allowed == ("nurse",)
    assert conditional == {"sosu-assistant": "act-refresh"}


def test_allowing_without_activity_adds_the_profession():
    allowed, conditional = effective_authorisation(TASK, [rule("pharmacy-technician", True)])
    assert allowed == ("nurse", "pharmacy-technician", "sosu-assistant") and conditional == {}


def test_latest_rule_per_profession_wins():
    rules = [rule("sosu-helper", True, "act-1"), rule("sosu-helper", False), rule("sosu-helper", True, "act-2"),
             rule("nurse", False), rule("nurse", True)]
    allowed, conditional = effective_authorisation(TASK, rules)
    assert allowed == ("nurse", "sosu-assistant")
    assert conditional == {"sosu-helper": "act-2"}
    allowed, conditional = effective_authorisation(TASK, [*rules, rule("sosu-helper", False)])
    assert conditional == {}


def test_rules_of_other_tasks_are_ignored():
    allowed, _ = effective_authorisation(TASK, [rule("nurse", False, task="t-other")])
    assert allowed == ("nurse", "sosu-assistant")


def test_rules_of_two_organisations_are_an_error():
    with pytest.raises(ValueError, match="more than one organisation"):
        effective_authorisation(TASK, [rule("nurse", False), rule("nurse", True, org="org-b")])


PROFESSIONS = st.sampled_from(["nurse", "sosu-assistant", "sosu-helper", "physio"])
RULES = st.lists(st.builds(rule, PROFESSIONS, st.booleans(), st.sampled_from([None, "act-1", "act-2"])),
                 max_size=8)


@settings(max_examples=100, deadline=None)
@given(RULES)
def test_only_the_last_rule_per_profession_matters(rules):
    last_only = list({r.profession_id: r for r in rules}.values())
    result = effective_authorisation(TASK, rules)
    assert result == effective_authorisation(TASK, last_only)
    assert not set(result.allowed) & set(result.conditional)
    assert list(result.allowed) == sorted(result.allowed)
    for r in last_only:
        if not r.allowed:
            assert r.profession_id not in result.allowed and r.profession_id not in result.conditional
        elif r.requires_activity_id:
            assert result.conditional[r.profession_id] == r.requires_activity_id
        else:
            assert r.profession_id in result.allowed

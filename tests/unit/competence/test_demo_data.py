"""The demo-data generator: determinism, the event contract, referential sanity, the planted cases."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter, defaultdict
from datetime import date

import pytest

from tillid.cli import main
from tillid.competence.demo import PLANTED_EFFECT, PLANTED_KIND_FACTOR, generate_events, planted_probability
from tillid.competence.demo.organisations import plan

SMALL = 0.05

# The input topics' event types of docs/contracts/events.md.
INPUT_TYPES = {
    "WorkplaceUpserted", "ProfessionUpserted", "EmployeeUpserted", "EmployeeLeft", "EmployeeErased",
    "CompetenceAssessed", "CourseCompleted", "TaskDefined", "TaskDemandChanged", "TaskAssignmentReported",
    "AuthorisationRuleChanged", "DigitalisationChange", "LearningActivityPublished", "LearningActivityWithdrawn",
    "FundPublished", "FundBalanceReported",
    "RotationSlotOffered", "RotationSlotWithdrawn", "RotationInterestExpressed", "RotationInterestWithdrawn",
}

# The local skill ids of BRIEF-skills.md.
BRIEF_SKILLS = {
    "dk:" + s for s in (
        "medicinadministration medicindispensering oejendraabebehandling saarbehandling kateterpleje "
        "insulingivning blodproevetagning personlig-pleje rehabilitering demensomsorg omsorgsdokumentation "
        "digitalt-medicinmodul velfaerdsteknologi hygiejne sektorovergange sagsbehandling forvaltningsret "
        "beskaeftigelsesindsats dataforstaaelse validering-automatiske-afgoerelser paedagogik sprogstimulering "
        "inklusion foraeldresamarbejde kontoradministration vagtplanlaegning journalisering registrering "
        "laegesekretaer-transskription talegenkendelse patientkoordinering akut-sygepleje "
        "klinisk-beslutningstagning ledelse projektledelse oekonomistyring jura kommunikation digitale-kompetencer"
    ).split()
}

SOURCES = {"sd-loen", "kmd-opus", "silkeborg-data", "nexus", "ep-sundhedsplatform", "kompetencehub", "campus",
           "kompetencefonde"}
FACTS_COST = {"sosu_hjaelper": 255, "sosu_assistent": 285, "sygeplejerske": 345, "ergoterapeut": 335,
              "fysioterapeut": 335, "paedagogmedhjaelper": 245, "paedagog": 320, "hk_admin": 290,
              "akademiker": 410, "laege": 620, "laegesekretaer": 300, "socialraadgiver": 350, "leder": 480}

NUM, STR, INT, BOOL, LIST, DATE = "number", "string", "integer", "boolean", "list", "date"

# type -> (required fields, optional fields), each field -> kind, as in docs/contracts/events.md
PAYLOADS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "WorkplaceUpserted": ({"workplace_id": STR, "name": STR, "sector": STR, "organisation_id": STR,
                           "organisation_name": STR, "committee_id": STR}, {}),
    "ProfessionUpserted": ({"profession_id": STR, "title_da": STR, "title_en": STR, "hourly_cost_dkk": NUM}, {}),
    "EmployeeUpserted": ({"employee_id": STR, "profession_id": STR, "workplace_id": STR, "weekly_hours": NUM},
                         {"age_band": STR, "learning_interests": LIST}),
    "EmployeeLeft": ({"employee_id": STR, "left_on": DATE}, {}),
    "EmployeeErased": ({"employee_id": STR}, {}),
    "CompetenceAssessed": ({"employee_id": STR, "skill": STR, "level": INT, "assessed_on": DATE,
                            "evidence": STR}, {}),
    "CourseCompleted": ({"employee_id": STR, "activity_id": STR, "completed_on": DATE, "passed": BOOL}, {}),
    "TaskDefined": ({"task_id": STR, "name_da": STR, "name_en": STR, "required_skills": LIST,
                     "authorised_professions": LIST, "administrative": BOOL}, {}),
    "TaskDemandChanged": ({"workplace_id": STR, "task_id": STR, "hours_per_week": NUM}, {}),
    "TaskAssignmentReported": ({"workplace_id": STR, "task_id": STR, "employee_id": STR, "hours_per_week": NUM},
                               {}),
    "AuthorisationRuleChanged": ({"organisation_id": STR, "task_id": STR, "profession_id": STR, "allowed": BOOL,
                                  "note": STR}, {"requires_activity_id": STR}),
    "DigitalisationChange": ({"change_id": STR, "organisation_id": STR, "description": STR, "effective_on": DATE,
                              "effects": LIST}, {"workplace_ids": LIST}),
    "LearningActivityPublished": ({"activity_id": STR, "kind": STR, "title": STR, "teaches": LIST,
                                   "prerequisites": LIST, "duration_hours": NUM, "cost_dkk": NUM,
                                   "provider": STR}, {"sessions": LIST}),
    "LearningActivityWithdrawn": ({"activity_id": STR}, {}),
    "FundPublished": ({"fund_id": STR, "name": STR, "sectors": LIST, "covers": LIST, "share": NUM,
                       "cap_dkk_per_employee_year": NUM}, {"kinds": LIST, "budget_dkk": NUM, "professions": LIST}),
    "FundBalanceReported": ({"fund_id": STR, "remaining_dkk": NUM, "as_of": DATE}, {}),
    "RotationSlotOffered": ({"slot_id": STR, "host_workplace_id": STR, "title": STR, "teaches": LIST,
                             "requires": LIST, "weeks": INT, "capacity": INT, "starts_on": DATE}, {}),
    "RotationSlotWithdrawn": ({"slot_id": STR}, {}),
    "RotationInterestExpressed": ({"employee_id": STR, "ranked_slot_ids": LIST, "available_from": DATE,
                                   "max_weeks": INT}, {}),
    "RotationInterestWithdrawn": ({"employee_id": STR}, {}),
}


def _is(kind: str, value: object) -> bool:
    if kind == NUM:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == LIST:
        return isinstance(value, list)
    if kind == DATE:
        return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None \
            and date.fromisoformat(value) is not None
    return isinstance(value, str) and value != ""


def _skill_levels(items: list, level_key: str) -> bool:
    return all(set(i) == {"skill", level_key} and isinstance(i["skill"], str)
               and _is(INT, i[level_key]) and 0 <= i[level_key] <= 5 for i in items)


@pytest.fixture(scope="module")
def small() -> list[dict]:
    return list(generate_events(seed=11, scale=SMALL))


def _lines(seed: int, scale: float) -> list[str]:
    return [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in generate_events(seed, scale)]


# --- determinism ---------------------------------------------------------------------------

def test_same_seed_gives_identical_lines_and_another_seed_differs():
    first = _lines(5, SMALL)
    assert first == _lines(5, SMALL)
    other = _lines(6, SMALL)
    assert other != first
    assert {json.loads(x)["event_id"] for x in other}.isdisjoint(json.loads(x)["event_id"] for x in first)


def test_cli_writes_byte_identical_files(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["demo-data", "--seed", "3", "--scale", str(SMALL), "--out", str(a)]) == 0
    assert main(["demo-data", "--seed", "3", "--scale", str(SMALL), "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    assert lines == _lines(3, SMALL)
    assert all(line.startswith("{") and "\n" not in line for line in lines)


def test_cli_writes_to_standard_output(capsys):
    assert main(["demo-data", "--seed", "3", "--scale", str(SMALL)]) == 0
    assert capsys.readouterr().out.splitlines() == _lines(3, SMALL)


@pytest.mark.parametrize("bad", ["0", "-1", "nan", "inf", "abc", ""])
def test_cli_rejects_a_bad_scale_with_one_line_and_exit_2(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo-data", "--scale", bad])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--scale" in err


def test_cli_reports_an_unwritable_output_file_as_bad_input(tmp_path, capsys):
    assert main(["demo-data", "--scale", str(SMALL), "--out", str(tmp_path / "missing" / "x.jsonl")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


# --- the event contract ---------------------------------------------------------------------

def test_every_input_event_type_appears_at_a_small_scale(small):
    assert {e["type"] for e in small} == INPUT_TYPES


def test_envelopes_are_complete_unique_and_in_time_order(small):
    times = []
    for e in small:
        assert set(e) == {"event_id", "type", "schema_version", "occurred_at", "source", "payload"}
        assert uuid.UUID(e["event_id"]).version == 5
        assert e["schema_version"] == 1
        assert re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["occurred_at"])
        assert e["source"] in SOURCES
        times.append(e["occurred_at"])
    assert len({e["event_id"] for e in small}) == len(small)
    assert times == sorted(times) and len(set(times)) == len(times)


def test_payloads_have_exactly_the_contract_fields_with_the_contract_types(small):
    for e in small:
        required, optional = PAYLOADS[e["type"]]
        payload = e["payload"]
        assert set(required) <= set(payload) <= set(required) | set(optional), e
        for name, value in payload.items():
            assert _is({**required, **optional}[name], value), (e["type"], name, value)


def test_enumerations_levels_and_nested_lists_follow_the_contract(small):
    for e in small:
        p, kind = e["payload"], e["type"]
        if kind == "WorkplaceUpserted":
            assert p["sector"] in {"municipality", "region", "state"}
        elif kind == "EmployeeUpserted":
            assert p.get("age_band", "-29") in {"-29", "30-39", "40-49", "50-59", "60-"}
            assert all(isinstance(s, str) for s in p.get("learning_interests", []))
            assert p["weekly_hours"] == 37 or 25 <= p["weekly_hours"] <= 32
        elif kind == "CompetenceAssessed":
            assert 0 <= p["level"] <= 5
            assert p["evidence"] in {"self", "manager", "certificate", "course", "observed"}
        elif kind == "TaskDefined":
            assert _skill_levels(p["required_skills"], "min_level")
            assert p["authorised_professions"] and set(p["authorised_professions"]) <= set(FACTS_COST)
        elif kind == "LearningActivityPublished":
            assert p["kind"] in {"course", "e_learning", "peer_training"}
            assert _skill_levels(p["teaches"], "to_level") and _skill_levels(p["prerequisites"], "min_level")
            assert p["kind"] != "peer_training" or p["cost_dkk"] == 0
        elif kind == "RotationSlotOffered":
            assert _skill_levels(p["teaches"], "to_level") and _skill_levels(p["requires"], "min_level")
            assert 2 <= p["weeks"] <= 26 and p["capacity"] >= 1
        elif kind == "DigitalisationChange":
            for effect in p["effects"]:
                assert effect["kind"] in {"hours_factor", "new_task", "requirement", "retire_task"}
                if effect["kind"] == "hours_factor":
                    assert set(effect) == {"kind", "task_id", "factor"} and 0 < effect["factor"] < 1
                elif effect["kind"] == "requirement":
                    assert set(effect) == {"kind", "task_id", "skill", "min_level"}
                elif effect["kind"] == "new_task":
                    assert set(effect) == {"kind", "task", "hours_per_week"}
                    required, _ = PAYLOADS["TaskDefined"]
                    assert set(effect["task"]) == set(required)
                    assert all(_is(NUM, h) for h in effect["hours_per_week"].values())


def test_professions_are_those_of_the_facts_file_with_their_costs(small):
    costs = {e["payload"]["profession_id"]: e["payload"]["hourly_cost_dkk"]
             for e in small if e["type"] == "ProfessionUpserted"}
    assert costs == FACTS_COST


# --- referential sanity ---------------------------------------------------------------------

def _announced(events: list[dict], event_type: str, key: str) -> set[str]:
    return {e["payload"][key] for e in events if e["type"] == event_type}


def test_references_point_at_announced_things(small):
    workplaces = _announced(small, "WorkplaceUpserted", "workplace_id")
    professions = _announced(small, "ProfessionUpserted", "profession_id")
    tasks = _announced(small, "TaskDefined", "task_id")
    activities = _announced(small, "LearningActivityPublished", "activity_id")
    slots = _announced(small, "RotationSlotOffered", "slot_id")
    employees = _announced(small, "EmployeeUpserted", "employee_id")
    organisations = {e["payload"]["organisation_id"] for e in small if e["type"] == "WorkplaceUpserted"}
    seen: set[str] = set()
    erased: set[str] = set()
    for e in small:
        p = e["payload"]
        assert p.get("employee_id") not in erased  # nothing about a person after their erasure
        if e["type"] == "EmployeeErased":
            erased.add(p["employee_id"])
        if e["type"] == "EmployeeUpserted":
            assert p["workplace_id"] in workplaces and p["profession_id"] in professions
            assert re.fullmatch(r"e-[a-z0-9-]+-\d{6}", p["employee_id"])
            seen.add(p["employee_id"])
        elif e["type"] in {"CompetenceAssessed", "CourseCompleted", "TaskAssignmentReported", "EmployeeLeft",
                           "EmployeeErased", "RotationInterestExpressed", "RotationInterestWithdrawn"}:
            assert p["employee_id"] in seen  # every employee is announced before anything about them
        if "task_id" in p and e["type"] != "DigitalisationChange":
            assert p["task_id"] in tasks
        if e["type"] in {"TaskDemandChanged", "TaskAssignmentReported"}:
            assert p["workplace_id"] in workplaces
        if e["type"] == "CourseCompleted":
            assert p["activity_id"] in activities
        if e["type"] == "AuthorisationRuleChanged":
            assert p["organisation_id"] in organisations and p["profession_id"] in professions
            assert p.get("requires_activity_id", next(iter(activities))) in activities
        if e["type"] == "RotationSlotOffered":
            assert p["host_workplace_id"] in workplaces
        if e["type"] == "RotationInterestExpressed":
            assert set(p["ranked_slot_ids"]) <= slots
        if e["type"] == "DigitalisationChange":
            assert p["organisation_id"] in organisations
            assert set(p.get("workplace_ids", [])) <= workplaces
    assert seen == employees


def test_assigned_employees_work_at_the_workplace_and_are_nationally_or_locally_authorised(small):
    where = {e["payload"]["employee_id"]: e["payload"] for e in small if e["type"] == "EmployeeUpserted"}
    org_of = {e["payload"]["workplace_id"]: e["payload"]["organisation_id"]
              for e in small if e["type"] == "WorkplaceUpserted"}
    baseline = {e["payload"]["task_id"]: set(e["payload"]["authorised_professions"])
                for e in small if e["type"] == "TaskDefined"}
    local = {(p["organisation_id"], p["task_id"], p["profession_id"]) for e in small
             if e["type"] == "AuthorisationRuleChanged" and (p := e["payload"])["allowed"]}
    for e in small:
        if e["type"] == "TaskAssignmentReported":
            p = e["payload"]
            employee = where[p["employee_id"]]
            assert employee["workplace_id"] == p["workplace_id"]
            assert (employee["profession_id"] in baseline[p["task_id"]]
                    or (org_of[p["workplace_id"]], p["task_id"], employee["profession_id"]) in local)


def test_skill_ids_come_from_the_shared_list_and_some_names_are_free_text(small):
    names = Counter(e["payload"]["skill"] for e in small if e["type"] == "CompetenceAssessed")
    ids = {n for n in names if n.startswith("dk:")}
    assert ids <= BRIEF_SKILLS
    free_text = sum(c for n, c in names.items() if not n.startswith("dk:"))
    assert 0 < free_text < 0.1 * sum(names.values())
    assert {"sårpleje", "Nexus dok.", "medicin adm."} & set(names)


# --- the planted cases ----------------------------------------------------------------------

def _eligible_costs(events: list[dict]):
    costs = {e["payload"]["profession_id"]: e["payload"]["hourly_cost_dkk"]
             for e in events if e["type"] == "ProfessionUpserted"}
    baseline = {e["payload"]["task_id"]: set(e["payload"]["authorised_professions"])
                for e in events if e["type"] == "TaskDefined"}
    allowed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in events:
        if e["type"] == "AuthorisationRuleChanged" and e["payload"]["allowed"]:
            allowed[(e["payload"]["organisation_id"], e["payload"]["task_id"])].add(e["payload"]["profession_id"])
    return costs, baseline, allowed


def test_assignments_are_deliberately_not_at_the_leon_optimum(small):
    costs, baseline, allowed = _eligible_costs(small)
    org_of = {e["payload"]["workplace_id"]: e["payload"]["organisation_id"]
              for e in small if e["type"] == "WorkplaceUpserted"}
    profession = {e["payload"]["employee_id"]: e["payload"]["profession_id"]
                  for e in small if e["type"] == "EmployeeUpserted"}
    above, total = 0.0, 0.0
    eye_drops_by_nurses_where_assistants_may = 0
    for e in small:
        if e["type"] != "TaskAssignmentReported":
            continue
        p = e["payload"]
        org, own = org_of[p["workplace_id"]], profession[p["employee_id"]]
        eligible = baseline[p["task_id"]] | allowed[(org, p["task_id"])]
        total += p["hours_per_week"]
        if costs[own] > min(costs[x] for x in eligible):
            above += p["hours_per_week"]
        if (p["task_id"] == "t-oejendrypning" and own == "sygeplejerske" and p["hours_per_week"] > 0
                and "sosu_assistent" in allowed[(org, "t-oejendrypning")]):
            eye_drops_by_nurses_where_assistants_may += 1
    assert eye_drops_by_nurses_where_assistants_may > 0
    assert 0.05 < above / total < 0.9


def test_the_eye_drops_rules_differ_between_municipalities():
    rules = defaultdict(dict)
    for e in generate_events(seed=1, scale=3):
        if e["type"] == "AuthorisationRuleChanged" and e["payload"]["task_id"] == "t-oejendrypning":
            p = e["payload"]
            rules[p["organisation_id"]][p["profession_id"]] = (p["allowed"], p.get("requires_activity_id"))
        if e["type"] == "EmployeeUpserted":
            break  # the rules come before the staff
    soendermark = rules["kommune-soendermark"]
    assert soendermark["sosu_assistent"] == (True, None)
    assert soendermark["sosu_hjaelper"][0] is True and soendermark["sosu_hjaelper"][1]
    assert len({tuple(sorted(r.items())) for r in rules.values()}) == 3


def test_digitalisation_changes_include_the_planted_examples(small):
    changes = [e["payload"] for e in small if e["type"] == "DigitalisationChange"]
    effects = [(c["change_id"], eff) for c in changes for eff in c["effects"]]
    assert any(eff == {"kind": "hours_factor", "task_id": "t-medicinadministration", "factor": 0.75}
               for _, eff in effects)
    assert any(eff.get("skill") == "dk:digitalt-medicinmodul" for _, eff in effects)
    assert any(eff == {"kind": "hours_factor", "task_id": "t-rengoering", "factor": 0.5} for _, eff in effects)
    assert any(eff["kind"] == "new_task" and eff["task"]["task_id"] == "t-validering-automatiske-afgoerelser"
               and eff["hours_per_week"] for _, eff in effects)
    assert any(eff == {"kind": "hours_factor", "task_id": "t-transskription", "factor": 0.5} for _, eff in effects)


def _course_outcomes(events) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Per provider and per kind: [lifted to the promised level, passed completions]."""
    activities: dict[str, dict] = {}
    pending: dict[tuple[str, str], dict] = {}
    by_provider: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in events:
        p = e["payload"]
        if e["type"] == "LearningActivityPublished":
            activities[p["activity_id"]] = p
        elif e["type"] == "CourseCompleted" and p["passed"]:
            activity = activities[p["activity_id"]]
            pending[(p["employee_id"], activity["teaches"][0]["skill"])] = activity
        elif e["type"] == "CompetenceAssessed" and (p["employee_id"], p["skill"]) in pending:
            activity = pending.pop((p["employee_id"], p["skill"]))
            lifted = int(p["level"] >= activity["teaches"][0]["to_level"])
            for counts in (by_provider[activity["provider"]], by_kind[activity["kind"]]):
                counts[0] += lifted
                counts[1] += 1
    return dict(by_provider), dict(by_kind)


def _ranking(values: dict[str, float]) -> list[str]:
    return sorted(values, key=lambda k: -values[k])


def test_planted_effects_differ_and_the_default_history_recovers_their_ranking():
    assert len(set(PLANTED_EFFECT.values())) == len(PLANTED_EFFECT)
    assert len(set(PLANTED_KIND_FACTOR.values())) == len(PLANTED_KIND_FACTOR)
    assert planted_probability("AMU Vest", "course") > planted_probability("Campus", "e_learning")
    by_provider, by_kind = _course_outcomes(generate_events(seed=42, scale=1.0))
    assert sum(n for _, n in by_provider.values()) > 3000
    observed = {k: lifted / n for k, (lifted, n) in by_provider.items()}
    assert _ranking(observed) == _ranking(PLANTED_EFFECT)
    assert _ranking({k: lifted / n for k, (lifted, n) in by_kind.items()}) == _ranking(PLANTED_KIND_FACTOR)


# --- sizes ------------------------------------------------------------------------------------

def test_sizes_scale_roughly_linearly():
    counts = {}
    for scale in (0.05, 0.1, 0.2):
        counts[scale] = sum(1 for e in generate_events(seed=2, scale=scale) if e["type"] == "EmployeeUpserted")
    assert 0.85 < counts[0.1] / (2 * counts[0.05]) < 1.15
    assert 0.85 < counts[0.2] / (2 * counts[0.1]) < 1.15


def test_the_plan_matches_the_issue_at_scale_1_and_the_public_sector_at_scale_100():
    at_one = {o.sector: o.employees for o in plan(1.0)}
    assert at_one == {"municipality": 5000, "region": 4000, "state": 800}
    at_hundred = plan(100.0)
    assert 900_000 < sum(o.employees for o in at_hundred) < 1_100_000
    assert len({o.organisation_id for o in at_hundred}) == len(at_hundred)
    assert sum(o.sector == "municipality" for o in at_hundred) == 100
    assert sum(o.sector == "region" for o in at_hundred) == 5

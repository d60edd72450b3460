"""The demo organisation as a stream of event envelopes (see docs/demo-data.md).

Order: professions, workplaces, tasks, learning catalogue, local authorisation
rules, rotation slots, then workplace by workplace the staff (employees,
competences, demand, assignments, rotation interests, learning history,
departures), and last the digitalisation changes. Everything is drawn from
``random.Random`` instances seeded from the seed and a name, never from the
global generator or the clock, so the same seed and scale give the same bytes.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Iterator

from tillid.competence.demo.catalogue import (
    DELEGATION_ACTIVITIES, FUND_BALANCES, FUNDS, FUNDS_SOURCE, WITHDRAWN_ACTIVITY, build_catalogue, offers_by_domain,
)
from tillid.competence.demo.envelope import EnvelopeFactory
from tillid.competence.demo.organisations import Organisation, Unit, Workplace, plan, workplaces
from tillid.competence.demo.reference import (
    CARE_TASKS, HOSPITAL_TASKS, PROFESSIONS, SPEECH_QA_TASK, TASKS, VALIDATION_TASK,
)
from tillid.competence.demo.workforce import StaffingContext, WorkplaceStaff

HR_SOURCE = {"municipality": "kmd-opus", "region": "sd-loen", "state": "silkeborg-data"}
LEARNING_SOURCE = {"municipality": "kompetencehub", "region": "kompetencehub", "state": "campus"}
OPS_SOURCE = {"municipality": "nexus", "region": "ep-sundhedsplatform", "state": "silkeborg-data"}
_CARE_TYPES = {"plejecenter", "hjemmepleje"}
_TASK_SOURCE = {**{t.task_id: "nexus" for t in CARE_TASKS},
                **{t.task_id: "ep-sundhedsplatform" for t in HOSPITAL_TASKS}}

_EVENT_SOURCE = {
    "EmployeeUpserted": "hr", "EmployeeLeft": "hr", "EmployeeErased": "hr",
    "CompetenceAssessed": "learning", "CourseCompleted": "learning",
    "RotationInterestExpressed": "learning", "RotationInterestWithdrawn": "learning",
    "TaskDemandChanged": "ops", "TaskAssignmentReported": "ops",
}


def validate_scale(scale: float) -> float:
    """``scale`` as a float if it is a finite number above zero; ValueError otherwise."""
    value = float(scale)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"scale must be a finite number above 0, got {scale!r}")
    return value


def _ops_source(sector: str, workplace_type: str) -> str:
    if sector == "municipality" and workplace_type not in _CARE_TYPES:
        return "kmd-opus"
    return OPS_SOURCE[sector]


# --- rotation slots ---------------------------------------------------------------------

# host workplace type -> (title, teaches, requires, professions it suits, possible weeks)
SLOT_TEMPLATES: dict[str, tuple[str, tuple, tuple, tuple[str, ...], tuple[int, ...]]] = {
    "akutmodtagelse": ("Akut sygepleje i akutmodtagelsen",
                       (("dk:akut-sygepleje", 3), ("dk:sektorovergange", 3)),
                       (("dk:klinisk-beslutningstagning", 2),), ("sygeplejerske", "sosu_assistent"), (4, 8, 12)),
    "sengeafsnit": ("Udskrivning og medicin på sengeafsnit",
                    (("dk:sektorovergange", 3), ("dk:medicinadministration", 4)),
                    (("dk:medicinadministration", 2),), ("sosu_assistent", "sygeplejerske"), (4, 6, 8, 12)),
    "sekretariat": ("Patientkoordinering og talegenkendelse i lægesekretariatet",
                    (("dk:patientkoordinering", 3), ("dk:talegenkendelse", 2)),
                    (("dk:kontoradministration", 2),), ("hk_admin", "laegesekretaer"), (2, 4, 8)),
    "hospitaladministration": ("Data og økonomi på hospitalet",
                               (("dk:dataforstaaelse", 3), ("dk:oekonomistyring", 3)),
                               (("dk:dataforstaaelse", 1),), ("akademiker", "hk_admin"), (8, 12, 26)),
    "plejecenter": ("Demensomsorg og velfærdsteknologi på plejecenter",
                    (("dk:demensomsorg", 3), ("dk:velfaerdsteknologi", 2)),
                    (("dk:personlig-pleje", 2),), ("sosu_assistent", "sygeplejerske", "ergoterapeut"), (2, 4, 8)),
    "hjemmepleje": ("Sektorovergange og hverdagsrehabilitering i hjemmeplejen",
                    (("dk:sektorovergange", 3), ("dk:rehabilitering", 3)),
                    (("dk:personlig-pleje", 2),),
                    ("sygeplejerske", "sosu_assistent", "fysioterapeut", "ergoterapeut"), (4, 8, 12)),
    "jobcenter": ("Beskæftigelsesindsats i jobcentret",
                  (("dk:beskaeftigelsesindsats", 3), ("dk:kommunikation", 3)),
                  (("dk:sagsbehandling", 2),), ("akademiker", "socialraadgiver", "hk_admin"), (8, 12, 26)),
    "administration": ("Økonomistyring og projekter i kommunens administration",
                       (("dk:oekonomistyring", 3), ("dk:projektledelse", 2)),
                       (("dk:kontoradministration", 2),), ("akademiker", "hk_admin"), (8, 12, 26)),
    "styrelsesenhed": ("Automatiske afgørelser og data i styrelsen",
                       (("dk:validering-automatiske-afgoerelser", 3), ("dk:dataforstaaelse", 3)),
                       (("dk:forvaltningsret", 2),), ("socialraadgiver", "akademiker", "hk_admin"), (8, 12, 26)),
}


def _slots(org: Organisation, unit: Unit, seed: int) -> list[tuple[dict, tuple[str, ...]]]:
    """The rotation slots a unit offers, each with the professions it suits."""
    rng = random.Random(f"{seed}:slots:{unit.code}")
    hosts = [w for w in workplaces(org, unit, seed) if w.type in SLOT_TEMPLATES]
    result = []
    for i in range(max(2, round(unit.employees / 100))):
        host = rng.choice(hosts)
        title, teaches, requires, audience, weeks = SLOT_TEMPLATES[host.type]
        payload = {
            "slot_id": f"rs-{unit.code}-{i + 1:03d}",
            "host_workplace_id": host.workplace_id,
            "title": f"{title} ({host.name})",
            "teaches": [{"skill": s, "to_level": lv} for s, lv in teaches],
            "requires": [{"skill": s, "min_level": lv} for s, lv in requires],
            "weeks": rng.choice(weeks),
            "capacity": rng.randint(1, 3),
            "starts_on": (date(2026, 3, 2) + timedelta(weeks=rng.randint(0, 30))).isoformat(),
        }
        result.append((payload, audience))
    return result


# --- local authorisation rules ------------------------------------------------------------

def _rule(org: Organisation, task_id: str, profession: str, allowed: bool, note: str,
          requires: str | None = None) -> dict:
    payload: dict = {"organisation_id": org.organisation_id, "task_id": task_id, "profession_id": profession,
                     "allowed": allowed}
    if requires is not None:
        payload["requires_activity_id"] = requires
    payload["note"] = note
    return payload


def _municipality_rules(org: Organisation, index: int) -> list[dict]:
    """Eye drops: helpers after a course (index 0, mod 3), assistants only (1), nurses only (2)."""
    style = index % 3
    rules = []
    if style in (0, 1):
        rules.append(_rule(org, "t-oejendrypning", "sosu_assistent", True,
                           "Lokal instruks: øjendrypning er delegeret til social- og sundhedsassistenter."))
    if style == 0:
        rules.append(_rule(org, "t-oejendrypning", "sosu_hjaelper", True,
                           "Social- og sundhedshjælpere må dryppe øjne efter kursus i delegeret øjendrypning.",
                           "la-delegation-oejendrypning"))
        rules.append(_rule(org, "t-medicinadministration", "sosu_hjaelper", True,
                           "Hjælpere kan give færdigdoseret medicin efter AMU-kursus i medicinhåndtering.",
                           "la-delegation-medicin-hjaelper"))
    if style == 2:
        rules.append(_rule(org, "t-oejendrypning", "sosu_assistent", False,
                           "Øjendrypning varetages fortsat af sygeplejersker."))
    rules.append(_rule(org, "t-saarbehandling", "sosu_assistent", True,
                       "Assistenter må varetage sårbehandling efter AMU-kursus i sårpleje.", "la-amu-saarbehandling"))
    rules.append(_rule(org, "t-insulingivning", "sosu_assistent", True,
                       "Insulingivning er delegeret til social- og sundhedsassistenter."))
    rules.append(_rule(org, "t-blodproevetagning", "sosu_assistent", True,
                       "Blodprøvetagning i eget hjem efter oplæring.", "la-blodproevetagning-sosu"))
    return rules


def _region_rules(org: Organisation) -> list[dict]:
    return [
        _rule(org, "t-registrering-lpr", "hk_admin", True,
              "Registrering og kodning flyttes fra læger og sygeplejersker til lægesekretærer og HK efter kursus.",
              "la-lpr-registrering-hk"),
        _rule(org, "t-patientkoordinering", "hk_admin", True,
              "Booking og patientkoordinering kan varetages af administrative medarbejdere."),
        _rule(org, "t-blodproevetagning", "sosu_assistent", True,
              "Social- og sundhedsassistenter tager blodprøver efter kursus.", "la-blodproevetagning-sosu"),
        _rule(org, "t-insulingivning", "sosu_assistent", True,
              "Insulingivning efter lokal instruks på sengeafsnit."),
        _rule(org, "t-saarbehandling", "sosu_assistent", True,
              "Simpel sårbehandling efter AMU-kursus.", "la-amu-saarbehandling"),
    ]


def _state_rules(org: Organisation) -> list[dict]:
    return [
        _rule(org, "t-ydelsessagsbehandling", "hk_admin", True,
              "Standardsager om ydelser kan behandles af HK efter kursus i forvaltningsret.",
              "la-forvaltningsret-grundkursus"),
        _rule(org, "t-juridisk-sagsbehandling", "hk_admin", False,
              "Juridisk sagsbehandling forbeholdes akademiske medarbejdere."),
    ]


# --- digitalisation -----------------------------------------------------------------------

def _digitalisation(org: Organisation, seed: int) -> list[tuple[str, dict]]:
    """(source, payload) of the organisation's digitalisation changes."""
    places = [w for unit in org.units for w in workplaces(org, unit, seed)]

    def ids_of(*types: str) -> list[str]:
        return [w.workplace_id for w in places if w.type in types]

    changes: list[tuple[str, dict]] = []
    if org.sector == "municipality":
        changes.append(("nexus", {
            "change_id": f"dc-{org.code}-elektronisk-medicinmodul", "organisation_id": org.organisation_id,
            "workplace_ids": ids_of("plejecenter", "hjemmepleje"),
            "description": "Elektronisk medicinmodul med stregkodescanning i plejecentre og hjemmepleje.",
            "effective_on": "2026-04-01",
            "effects": [
                {"kind": "hours_factor", "task_id": "t-medicinadministration", "factor": 0.75},
                {"kind": "requirement", "task_id": "t-medicinadministration",
                 "skill": "dk:digitalt-medicinmodul", "min_level": 2},
            ]}))
        changes.append(("nexus", {
            "change_id": f"dc-{org.code}-robotrengoering", "organisation_id": org.organisation_id,
            "workplace_ids": ids_of("plejecenter"),
            "description": "Robotstøvsugere og gulvvaskere i plejecentrenes boliger.",
            "effective_on": "2026-03-01",
            "effects": [{"kind": "hours_factor", "task_id": "t-rengoering", "factor": 0.5}]}))
        job_centres = [w for w in places if w.type == "jobcenter"]
        changes.append(("kmd-opus", {
            "change_id": f"dc-{org.code}-automatisk-sagsintake", "organisation_id": org.organisation_id,
            "workplace_ids": [w.workplace_id for w in job_centres],
            "description": "Automatisk modtagelse og visitation af ansøgninger om ydelser i jobcentret.",
            "effective_on": "2026-05-01",
            "effects": [
                {"kind": "hours_factor", "task_id": "t-sagsintake", "factor": 0.4},
                {"kind": "new_task", "task": VALIDATION_TASK.payload(),
                 "hours_per_week": {w.workplace_id: max(1.0, round(w.employees * 0.25 * 2) / 2)
                                    for w in job_centres}},
            ]}))
    elif org.sector == "region":
        secretariats = [w for w in places if w.type == "sekretariat"]
        changes.append(("ep-sundhedsplatform", {
            "change_id": f"dc-{org.code}-talegenkendelse", "organisation_id": org.organisation_id,
            "workplace_ids": ids_of("sekretariat", "sengeafsnit", "akutmodtagelse"),
            "description": "Talegenkendelse i journalen: lægerne dikterer direkte til tekst.",
            "effective_on": "2026-06-01",
            "effects": [
                {"kind": "hours_factor", "task_id": "t-transskription", "factor": 0.5},
                {"kind": "new_task", "task": SPEECH_QA_TASK.payload(),
                 "hours_per_week": {w.workplace_id: max(1.0, round(w.employees * 0.6 * 2) / 2)
                                    for w in secretariats}},
            ]}))
    else:
        changes.append(("silkeborg-data", {
            "change_id": f"dc-{org.code}-automatisk-journalisering", "organisation_id": org.organisation_id,
            "description": "Automatisk journalisering af indgående post i ESDH-systemet.",
            "effective_on": "2026-04-15",
            "effects": [
                {"kind": "hours_factor", "task_id": "t-journalisering", "factor": 0.6},
                {"kind": "requirement", "task_id": "t-journalisering",
                 "skill": "dk:digitale-kompetencer", "min_level": 2},
            ]}))
    return changes


# --- the stream -----------------------------------------------------------------------------

def generate_events(seed: int = 42, scale: float = 1.0) -> Iterator[dict]:
    """Yield the demo organisation as event envelopes (plain dicts), one at a time."""
    scale = validate_scale(scale)
    make = EnvelopeFactory(seed, scale).make
    orgs = plan(scale)

    for profession in PROFESSIONS:
        yield make("ProfessionUpserted", "sd-loen", profession.payload())
    for org in orgs:
        for unit in org.units:
            for w in workplaces(org, unit, seed):
                yield make("WorkplaceUpserted", HR_SOURCE[org.sector], _workplace_payload(org, w))
    for task in TASKS:
        yield make("TaskDefined", _TASK_SOURCE.get(task.task_id, "kmd-opus"), task.payload())

    catalogue = build_catalogue(random.Random(f"{seed}:catalogue"))
    for activity in catalogue + DELEGATION_ACTIVITIES + (WITHDRAWN_ACTIVITY,):
        yield make("LearningActivityPublished", activity.source, activity.payload())
    yield make("LearningActivityWithdrawn", WITHDRAWN_ACTIVITY.source,
               {"activity_id": WITHDRAWN_ACTIVITY.activity_id})
    for fund in FUNDS:
        yield make("FundPublished", FUNDS_SOURCE, dict(fund))
    for balance in FUND_BALANCES:
        yield make("FundBalanceReported", FUNDS_SOURCE, dict(balance))

    municipality_index = 0
    for org in orgs:
        if org.sector == "municipality":
            rules = _municipality_rules(org, municipality_index)
            municipality_index += 1
        elif org.sector == "region":
            rules = _region_rules(org)
        else:
            rules = _state_rules(org)
        for rule in rules:
            yield make("AuthorisationRuleChanged", OPS_SOURCE[org.sector], rule)

    pool: dict[tuple[str, str], list[str]] = {}
    for org in orgs:
        source = LEARNING_SOURCE[org.sector]
        for unit_index, unit in enumerate(org.units):
            slots = _slots(org, unit, seed)
            for payload, _ in slots:
                yield make("RotationSlotOffered", source, payload)
            if unit_index == 0:
                withdrawn = slots.pop()[0]["slot_id"]
                yield make("RotationSlotWithdrawn", source, {"slot_id": withdrawn})
            for payload, audience in slots:
                for profession in audience:
                    for sector in ("municipality", "region", "state"):
                        if sector != org.sector:
                            pool.setdefault((profession, sector), []).append(payload["slot_id"])

    ctx = StaffingContext(seed=seed, offers=offers_by_domain(catalogue),
                          slot_pool={k: tuple(v) for k, v in pool.items()})
    for org in orgs:
        sources = {"hr": HR_SOURCE[org.sector], "learning": LEARNING_SOURCE[org.sector]}
        number = 1
        for unit in org.units:
            for index, w in enumerate(workplaces(org, unit, seed)):
                sources["ops"] = _ops_source(org.sector, w.type)
                staff = WorkplaceStaff(ctx, org, w, number, showcase=index == 0)
                for event_type, payload in staff.events():
                    yield make(event_type, sources[_EVENT_SOURCE[event_type]], payload)
                number += w.employees

    for org in orgs:
        for source, payload in _digitalisation(org, seed):
            yield make("DigitalisationChange", source, payload)


def _workplace_payload(org: Organisation, w: Workplace) -> dict:
    return {"workplace_id": w.workplace_id, "name": w.name, "sector": org.sector,
            "organisation_id": org.organisation_id, "organisation_name": org.name,
            "committee_id": w.committee_id}

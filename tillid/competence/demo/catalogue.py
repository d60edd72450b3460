"""The demo learning catalogue and the planted truth about how well each activity works.

Every provider offers every one of its topics in all three kinds (course,
e-learning, peer training), so the learning history can draw provider and kind
independently of each other; that keeps both planted rankings recoverable from
plain success rates.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

# Probability that a passed course (kind "course") lifts the taught skill to the promised
# level, by provider. This is the planted truth a learned effect model should recover.
PLANTED_EFFECT: dict[str, float] = {
    "AMU Vest": 0.85,
    "Region Vestkyst Læring": 0.75,
    "UC Syd": 0.65,
    "Kompetencehuset": 0.50,
    "Campus": 0.35,
}

# Factor on PLANTED_EFFECT by kind of activity.
PLANTED_KIND_FACTOR: dict[str, float] = {
    "course": 1.0,
    "peer_training": 0.85,
    "e_learning": 0.6,
}

KINDS: tuple[str, ...] = ("course", "e_learning", "peer_training")


# The competence funds the demo publishes (FundPublished), with round reference figures
# (docs/reference/public-sector-facts.md, "Funds"): the municipal fund refunds 80 % of fees up
# to 30,000 DKK per employee a year, the state fund pays courses on its pre-approved list in full
# up to 25,000 DKK; the regional fund is a round figure of the same kind.
FUNDS_SOURCE = "kompetencefonde"
FUNDS: tuple[dict, ...] = (
    {"fund_id": "fund-kommunal", "name": "Den Kommunale Kompetencefond", "sectors": ["municipality"],
     "covers": ["fee"], "share": 0.8, "cap_dkk_per_employee_year": 30_000.0, "budget_dkk": 2_500_000.0},
    {"fund_id": "fund-regional", "name": "Regionernes Kompetencefond", "sectors": ["region"],
     "covers": ["fee"], "share": 0.75, "cap_dkk_per_employee_year": 20_000.0, "budget_dkk": 1_500_000.0},
    {"fund_id": "fund-statens", "name": "Statens Kompetencefond", "sectors": ["state"],
     "covers": ["fee"], "share": 1.0, "cap_dkk_per_employee_year": 25_000.0, "kinds": ["course"]},
)
# What the municipal fund has left late in the year: its budget runs low, as real ones do.
FUND_BALANCES: tuple[dict, ...] = (
    {"fund_id": "fund-kommunal", "remaining_dkk": 1_800_000.0, "as_of": "2026-11-01"},
)


def planted_probability(provider: str, kind: str) -> float:
    """Probability that a passed activity lifts the taught skill to its promised level."""
    return PLANTED_EFFECT[provider] * PLANTED_KIND_FACTOR[kind]


@dataclass(frozen=True)
class Topic:
    key: str
    skill: str
    to_level: int
    prerequisites: tuple[tuple[str, int], ...]
    domain: str
    label_da: str


TOPICS: tuple[Topic, ...] = (
    Topic("medicinadministration", "dk:medicinadministration", 3, (("dk:personlig-pleje", 2),), "care",
          "medicinhåndtering"),
    Topic("oejendrypning", "dk:oejendraabebehandling", 3, (("dk:medicinadministration", 2),), "care",
          "øjendrypning og øjenpleje"),
    Topic("saarbehandling", "dk:saarbehandling", 3, (("dk:personlig-pleje", 2),), "care", "sårbehandling"),
    Topic("kateterpleje", "dk:kateterpleje", 3, (("dk:personlig-pleje", 2),), "care", "kateterpleje"),
    Topic("insulingivning", "dk:insulingivning", 3, (("dk:medicinadministration", 2),), "care", "insulingivning"),
    Topic("demensomsorg", "dk:demensomsorg", 3, (), "care", "demensomsorg"),
    Topic("rehabilitering", "dk:rehabilitering", 3, (), "care", "hverdagsrehabilitering"),
    Topic("omsorgsdokumentation", "dk:omsorgsdokumentation", 3, (), "care", "dokumentation i omsorgsjournalen"),
    Topic("hygiejne", "dk:hygiejne", 3, (), "care", "infektionshygiejne"),
    Topic("velfaerdsteknologi", "dk:velfaerdsteknologi", 3, (), "care", "velfærdsteknologi"),
    Topic("akut-sygepleje", "dk:akut-sygepleje", 4, (("dk:klinisk-beslutningstagning", 2),), "nursing",
          "akut sygepleje"),
    Topic("klinisk-beslutningstagning", "dk:klinisk-beslutningstagning", 4, (("dk:klinisk-beslutningstagning", 2),),
          "nursing", "klinisk beslutningstagning"),
    Topic("sektorovergange", "dk:sektorovergange", 3, (), "nursing", "sektorovergange"),
    Topic("blodproevetagning", "dk:blodproevetagning", 3, (), "nursing", "blodprøvetagning"),
    Topic("digitalt-medicinmodul", "dk:digitalt-medicinmodul", 3, (("dk:medicinadministration", 2),), "nursing",
          "det digitale medicinmodul"),
    Topic("patientkoordinering", "dk:patientkoordinering", 3, (), "nursing", "patientkoordinering"),
    Topic("transskription", "dk:laegesekretaer-transskription", 3, (("dk:kontoradministration", 2),), "nursing",
          "lægesekretærtransskription"),
    Topic("talegenkendelse", "dk:talegenkendelse", 3, (), "nursing", "talegenkendelse i journalen"),
    Topic("paedagogik", "dk:paedagogik", 3, (), "daycare", "pædagogisk praksis"),
    Topic("sprogstimulering", "dk:sprogstimulering", 3, (("dk:paedagogik", 2),), "daycare", "sprogstimulering"),
    Topic("inklusion", "dk:inklusion", 3, (("dk:paedagogik", 2),), "daycare", "inklusion"),
    Topic("foraeldresamarbejde", "dk:foraeldresamarbejde", 3, (), "daycare", "forældresamarbejde"),
    Topic("sagsbehandling", "dk:sagsbehandling", 3, (), "casework", "sagsbehandling"),
    Topic("forvaltningsret", "dk:forvaltningsret", 3, (), "casework", "forvaltningsret"),
    Topic("beskaeftigelsesindsats", "dk:beskaeftigelsesindsats", 3, (("dk:sagsbehandling", 2),), "casework",
          "beskæftigelsesindsatsen"),
    Topic("jura", "dk:jura", 4, (("dk:forvaltningsret", 3),), "casework", "juridisk sagsbehandling"),
    Topic("validering", "dk:validering-automatiske-afgoerelser", 3,
          (("dk:forvaltningsret", 2), ("dk:dataforstaaelse", 2)), "casework", "validering af automatiske afgørelser"),
    Topic("kommunikation", "dk:kommunikation", 3, (), "casework", "borgerkommunikation"),
    Topic("kontoradministration", "dk:kontoradministration", 3, (), "admin", "kontoradministration"),
    Topic("journalisering", "dk:journalisering", 3, (), "admin", "journalisering"),
    Topic("registrering", "dk:registrering", 3, (), "admin", "registrering og indberetning"),
    Topic("vagtplanlaegning", "dk:vagtplanlaegning", 3, (), "admin", "vagtplanlægning"),
    Topic("oekonomistyring", "dk:oekonomistyring", 3, (), "admin", "økonomistyring"),
    Topic("dataforstaaelse", "dk:dataforstaaelse", 3, (), "admin", "dataforståelse"),
    Topic("digitale-kompetencer", "dk:digitale-kompetencer", 3, (), "admin", "digitale kompetencer"),
    Topic("ledelse", "dk:ledelse", 3, (), "leadership", "ledelse"),
    Topic("projektledelse", "dk:projektledelse", 3, (), "leadership", "projektledelse"),
)


@dataclass(frozen=True)
class Provider:
    name: str
    code: str
    domains: tuple[str, ...]
    source: str  # the learning platform that publishes its activities


PROVIDERS: tuple[Provider, ...] = (
    Provider("AMU Vest", "amuvest", ("care", "daycare", "admin"), "kompetencehub"),
    Provider("UC Syd", "ucsyd", ("nursing", "daycare", "casework", "leadership"), "kompetencehub"),
    Provider("Campus", "campus", ("casework", "admin", "leadership"), "campus"),
    Provider("Kompetencehuset", "kompetencehuset", ("care", "daycare", "admin", "leadership"), "kompetencehub"),
    Provider("Region Vestkyst Læring", "rvl", ("care", "nursing", "admin"), "kompetencehub"),
)

PROVIDERS_BY_NAME: dict[str, Provider] = {p.name: p for p in PROVIDERS}


@dataclass(frozen=True)
class Activity:
    activity_id: str
    kind: str
    title: str
    teaches: tuple[tuple[str, int], ...]
    prerequisites: tuple[tuple[str, int], ...]
    duration_hours: float
    cost_dkk: float
    provider: str
    source: str

    def payload(self) -> dict:
        return {
            "activity_id": self.activity_id,
            "kind": self.kind,
            "title": self.title,
            "teaches": [{"skill": s, "to_level": lv} for s, lv in self.teaches],
            "prerequisites": [{"skill": s, "min_level": lv} for s, lv in self.prerequisites],
            "duration_hours": self.duration_hours,
            "cost_dkk": self.cost_dkk,
            "provider": self.provider,
            **({"sessions": sessions} if (sessions := course_sessions(self)) else {}),
        }


# Where each provider holds its courses (fictional towns of the demo region); Campus teaches online.
_PLACES: dict[str, str] = {"AMU Vest": "Esbjerg", "UC Syd": "Haderslev", "Kompetencehuset": "Vejle",
                           "Region Vestkyst Læring": "Ribe"}
_FIRST_TERM = date(2026, 2, 2)


def course_sessions(activity: Activity) -> list[dict]:
    """Dates and place for two of every three courses, as a catalogue gives them (the rest give none).

    Derived from the activity id, not drawn from the demo's random stream: the other demo data stays as
    it was."""
    if activity.kind != "course":
        return []
    seed = int.from_bytes(hashlib.sha256(activity.activity_id.encode("utf-8")).digest()[:4], "big")
    if seed % 3 == 0:
        return []
    first = _FIRST_TERM + timedelta(weeks=seed % 26)
    place = _PLACES.get(activity.provider)
    return [{"starts_on": (first + timedelta(weeks=13 * n)).isoformat(), "place": place} for n in range(2)]


_KIND_CODE = {"course": "kursus", "e_learning": "elaering", "peer_training": "sidemand"}
_DAY = 7.4  # hours in a working day of a 37-hour week


def _course_terms(provider: Provider, rng: random.Random) -> tuple[str, float, float]:
    """Title prefix, duration and fee of a course, by the kind of provider."""
    if provider.code == "amuvest":
        days = rng.randint(1, 5)
        return "AMU-kursus", round(days * _DAY, 1), float(rng.randrange(800, 1700, 50))
    if provider.code == "ucsyd":
        return "Diplommodul (10 ECTS)", 74.0, float(rng.randrange(16500, 21000, 500))
    if provider.code == "campus":
        days = rng.randint(1, 2)
        return "Digitalt kursus", round(days * _DAY, 1), float(rng.randrange(2500, 4600, 100))
    days = rng.randint(1, 3)
    return "Kursus", round(days * _DAY, 1), float(rng.randrange(1500, 4100, 100))


def _activity(provider: Provider, kind: str, topic: Topic, rng: random.Random) -> Activity:
    if kind == "course":
        prefix, hours, fee = _course_terms(provider, rng)
        title = f"{prefix}: {topic.label_da}"
    elif kind == "e_learning":
        hours, fee = float(rng.randint(1, 6)), float(0 if provider.code == "campus" else rng.randrange(0, 1300, 100))
        title = f"E-læring: {topic.label_da}"
    else:
        hours, fee = float(rng.choice((4, 6, 8, 12, 16))), 0.0
        title = f"Sidemandsoplæring: {topic.label_da}"
    return Activity(
        activity_id=f"la-{provider.code}-{_KIND_CODE[kind]}-{topic.key}",
        kind=kind, title=title, teaches=((topic.skill, topic.to_level),),
        prerequisites=topic.prerequisites, duration_hours=hours, cost_dkk=fee,
        provider=provider.name, source=provider.source,
    )


# Activities that local authorisation rules name as the training that unlocks a task.
DELEGATION_ACTIVITIES: tuple[Activity, ...] = (
    Activity("la-delegation-oejendrypning", "course", "Delegeret øjendrypning for social- og sundhedshjælpere",
             (("dk:oejendraabebehandling", 3),), (("dk:personlig-pleje", 2),), 7.4, 1200.0,
             "Kompetencehuset", "kompetencehub"),
    Activity("la-delegation-medicin-hjaelper", "course",
             "AMU-kursus: Medicinhåndtering for social- og sundhedshjælpere (delegation)",
             (("dk:medicinadministration", 3),), (("dk:personlig-pleje", 2),), 22.2, 1350.0,
             "AMU Vest", "kompetencehub"),
    Activity("la-amu-saarbehandling", "course", "AMU-kursus: Sårpleje for social- og sundhedsassistenter",
             (("dk:saarbehandling", 3),), (("dk:personlig-pleje", 3),), 14.8, 900.0, "AMU Vest", "kompetencehub"),
    Activity("la-blodproevetagning-sosu", "course", "Blodprøvetagning for social- og sundhedsassistenter",
             (("dk:blodproevetagning", 3),), (("dk:hygiejne", 2),), 7.4, 2000.0,
             "Region Vestkyst Læring", "kompetencehub"),
    Activity("la-lpr-registrering-hk", "course", "Registrering og kodning i LPR for administrative medarbejdere",
             (("dk:registrering", 3),), (("dk:kontoradministration", 2),), 14.8, 2500.0,
             "Region Vestkyst Læring", "kompetencehub"),
    Activity("la-forvaltningsret-grundkursus", "course", "Digitalt kursus: Forvaltningsret for administrative",
             (("dk:forvaltningsret", 3),), (("dk:sagsbehandling", 1),), 14.8, 3500.0, "Campus", "campus"),
)

# Published and then withdrawn again: the platform retired it.
WITHDRAWN_ACTIVITY = Activity(
    "la-campus-elaering-gammelt-esdh", "e_learning", "E-læring: Det gamle ESDH-system (udgået)",
    (("dk:journalisering", 2),), (), 2.0, 0.0, "Campus", "campus")


def build_catalogue(rng: random.Random) -> tuple[Activity, ...]:
    """Every provider x kind x topic of the provider's domains, in a fixed order."""
    activities: list[Activity] = []
    for provider in PROVIDERS:
        for topic in TOPICS:
            if topic.domain not in provider.domains:
                continue
            for kind in KINDS:
                activities.append(_activity(provider, kind, topic, rng))
    return tuple(activities)


def offers_by_domain(catalogue: tuple[Activity, ...]) -> dict[str, dict[str, dict[str, tuple[Activity, ...]]]]:
    """domain -> provider -> kind -> activities, for drawing a learning history."""
    domain_of = {t.skill: t.domain for t in TOPICS}
    index: dict[str, dict[str, dict[str, list[Activity]]]] = {}
    for activity in catalogue:
        domain = domain_of[activity.teaches[0][0]]
        index.setdefault(domain, {}).setdefault(activity.provider, {}).setdefault(activity.kind, []).append(activity)
    return {d: {p: {k: tuple(v) for k, v in kinds.items()} for p, kinds in providers.items()}
            for d, providers in index.items()}

"""The fictional organisations of the demo and their workplaces.

At scale 1 there is one municipality (about 5,000 employees in about 60
workplaces), one region with one hospital (about 4,000) and one state agency
(about 800). A larger scale adds organisations of the same size (``round(scale)``
of each kind, hospitals spread over at most five regions); a smaller one shrinks
the single organisation of each kind. The plan holds only organisations and
their sizes; workplaces are derived from a seed per unit whenever needed, so
nothing proportional to the number of employees is kept in memory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

BASE_MUNICIPALITY = 5000
BASE_HOSPITAL = 4000
BASE_AGENCY = 800

_MUNI_PREFIX = ("Sønder", "Nørre", "Øster", "Vester", "Store", "Lille", "Ny", "Høj", "Lang", "Bred")
_MUNI_SUFFIX = ("mark", "å", "hede", "lund", "bjerg", "dal", "holm", "skov", "sø", "vang")
_TOWN_PREFIX = ("Strand", "Fjord", "Klint", "Mose", "Hede", "Eng", "Bakke", "Skov", "Sand", "Klit")
_TOWN_SUFFIX = ("by", "borg", "havn", "køping", "sted", "rup", "løse", "strup", "holt", "ager")
_REGIONS = ("Vestkyst", "Midtfjord", "Nordvig", "Sydhav", "Østbugt")
_AGENCIES = (
    ("Styrelsen for Arbejdsmarked og Digital Velfærd", "sadv"),
    ("Styrelsen for Borgerdata", "sbd"),
    ("Styrelsen for Ydelseskontrol", "syk"),
    ("Styrelsen for Kyst og Klimatilpasning", "skk"),
    ("Styrelsen for Uddannelsesstøtte og Data", "sud"),
    ("Styrelsen for Sundhedsdata og Kvalitet", "ssk"),
    ("Styrelsen for Digital Forvaltning", "sdf"),
    ("Styrelsen for Byggeri og Boligdata", "sbb"),
    ("Styrelsen for Erhvervsregistre", "ser"),
    ("Styrelsen for Miljøtilsyn", "smt"),
)

_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa", "é": "e"})


def slug(text: str) -> str:
    """ASCII id fragment: lower case, æ->ae, ø->oe, å->aa, other runs of symbols -> '-'."""
    out: list[str] = []
    for ch in text.translate(_ASCII).lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def _two_part_name(i: int, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> str:
    """The i-th of 100 distinct prefix+suffix names; beyond 100 a number is added."""
    a = i % 10
    b = (i // 10 + a) % 10
    name = prefixes[a] + suffixes[b]
    return name if i < 100 else f"{name} {i // 100 + 1}"


@dataclass(frozen=True)
class Unit:
    """A body that has its own workplaces: a municipality, a hospital or an agency."""

    name: str
    code: str
    template: str  # key of TEMPLATES
    employees: int


@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    name: str
    code: str
    sector: str  # municipality | region | state
    units: tuple[Unit, ...]

    @property
    def employees(self) -> int:
        return sum(u.employees for u in self.units)


def _split(total_scale: float, base: int) -> tuple[int, int]:
    """Number of organisations and employees of each for ``total_scale`` x ``base``."""
    count = max(1, round(total_scale))
    return count, max(1, round(base * total_scale / count))


def plan(scale: float) -> tuple[Organisation, ...]:
    """The organisations at ``scale``, in the order they are generated."""
    n_muni, muni_size = _split(scale, BASE_MUNICIPALITY)
    n_hosp, hosp_size = _split(scale, BASE_HOSPITAL)
    n_agency, agency_size = _split(scale, BASE_AGENCY)
    orgs: list[Organisation] = []
    for i in range(n_muni):
        name = _two_part_name(i, _MUNI_PREFIX, _MUNI_SUFFIX)
        code = slug(name)
        orgs.append(Organisation(f"kommune-{code}", f"{name} Kommune", code, "municipality",
                                 (Unit(f"{name} Kommune", code, "municipality", muni_size),)))
    n_regions = min(len(_REGIONS), n_hosp)
    for r in range(n_regions):
        region = _REGIONS[r]
        code = slug(region)
        hospitals = []
        for h in range(r, n_hosp, n_regions):
            town = _two_part_name(h, _TOWN_PREFIX, _TOWN_SUFFIX)
            hospitals.append(Unit(f"Regionshospitalet {town}", slug(town), "hospital", hosp_size))
        orgs.append(Organisation(f"region-{code}", f"Region {region}", code, "region", tuple(hospitals)))
    for i in range(n_agency):
        name, code = _AGENCIES[i % len(_AGENCIES)]
        if i >= len(_AGENCIES):
            name, code = f"{name} {i // len(_AGENCIES) + 1}", f"{code}{i // len(_AGENCIES) + 1}"
        orgs.append(Organisation(f"styrelse-{code}", name, code, "state",
                                 (Unit(name, code, "agency", agency_size),)))
    return tuple(orgs)


@dataclass(frozen=True)
class Workplace:
    workplace_id: str
    name: str
    type: str  # key of reference.WORKPLACE_TYPES
    committee_id: str
    employees: int


@dataclass(frozen=True)
class _Group:
    """A group of like workplaces in a template: how many, how many staff in all, names, committee area."""

    type: str
    count: int
    employees: int
    names: tuple[tuple[str, str], ...]  # (name, committee area)


def _named(area: str, *names: str) -> tuple[tuple[str, str], ...]:
    return tuple((n, area) for n in names)


_MUNICIPALITY = (BASE_MUNICIPALITY, (
    _Group("plejecenter", 14, 1540, _named(
        "aeldre", "Plejecenter Egebo", "Plejecenter Solgården", "Plejecenter Lindehuset", "Plejecenter Bøgely",
        "Plejecenter Rosenhaven", "Plejecenter Kastaniegården", "Plejecenter Møllebakken", "Plejecenter Engtoften",
        "Plejecenter Skovbrynet", "Plejecenter Havblik", "Plejecenter Åhaven", "Plejecenter Kløverhuset",
        "Plejecenter Tjørnegården", "Plejecenter Birkelund", "Plejecenter Fyrrebo", "Plejecenter Solsikken")),
    _Group("hjemmepleje", 8, 1200, _named(
        "aeldre", "Hjemmeplejen Nord", "Hjemmeplejen Syd", "Hjemmeplejen Øst", "Hjemmeplejen Vest",
        "Hjemmeplejen Centrum", "Hjemmeplejen Land", "Hjemmeplejen Aften og Nat", "Hjemmeplejen Midt",
        "Hjemmeplejen Kyst", "Hjemmeplejen Bakkerne")),
    _Group("daginstitution", 28, 1120, _named(
        "boern", "Børnehuset Mælkebøtten", "Vuggestuen Myretuen", "Børnehuset Regnbuen", "Daginstitution Solstrålen",
        "Børnehuset Spiren", "Naturbørnehaven Skovtrolden", "Børnehuset Troldehøj", "Vuggestuen Humlebien",
        "Børnehuset Krudtuglen", "Børnehuset Bikuben", "Daginstitution Stjernen", "Børnehuset Ærtebjerg",
        "Vuggestuen Sommerfuglen", "Børnehuset Kastanjen", "Børnehuset Søstjernen", "Daginstitution Lærkereden",
        "Børnehuset Valhalla", "Vuggestuen Mariehønen", "Børnehuset Fyrtårnet", "Børnehuset Ugleredet",
        "Daginstitution Kildebakken", "Børnehuset Bøgen", "Børnehuset Pilehuset", "Vuggestuen Æblehaven",
        "Børnehuset Skattekisten", "Børnehuset Nøddebo", "Daginstitution Engbo", "Børnehuset Tumlingen")),
    _Group("jobcenter", 2, 360, _named("beskaeftigelse", "Jobcenter, afdeling Nord", "Jobcenter, afdeling Syd",
                                       "Jobcenter, Ungeenheden")),
    _Group("administration", 8, 780, _named(
        "adm", "Borgerservice", "Økonomi og Analyse", "HR og Løn", "Sundhed og Omsorg, forvaltningssekretariat",
        "Børn og Unge, forvaltning", "Teknik og Miljø", "Digitalisering og IT", "Myndighed og Visitation")),
))

_HOSPITAL = (BASE_HOSPITAL, (
    _Group("sengeafsnit", 18, 2750, (
        ("Medicinsk afdeling M1 (lungemedicin)", "medicin"), ("Medicinsk afdeling M2 (endokrinologi)", "medicin"),
        ("Medicinsk afdeling M3 (geriatri)", "medicin"), ("Kardiologisk afdeling", "medicin"),
        ("Kirurgisk afdeling K1 (mave-tarm)", "kirurgi"), ("Ortopædkirurgisk afdeling", "kirurgi"),
        ("Neurologisk afdeling", "medicin"), ("Onkologisk afdeling", "medicin"),
        ("Kirurgisk afdeling K2 (urologi)", "kirurgi"), ("Gynækologisk-obstetrisk afdeling", "kvinde-barn"),
        ("Børneafdelingen", "kvinde-barn"), ("Intensivafsnittet", "akut"), ("Nyremedicinsk afdeling", "medicin"),
        ("Infektionsmedicinsk afdeling", "medicin"), ("Karkirurgisk afdeling", "kirurgi"),
        ("Øre-næse-hals-afdelingen", "kirurgi"), ("Anæstesiologisk afdeling", "kirurgi"),
        ("Psykiatrisk afsnit P1", "psykiatri"))),
    _Group("akutmodtagelse", 2, 450, (("Akutmodtagelsen", "akut"), ("Akutklinikken", "akut"))),
    _Group("sekretariat", 6, 420, _named(
        "service", "Lægesekretariatet, medicinsk center", "Lægesekretariatet, kirurgisk center",
        "Lægesekretariatet, akut og intensiv", "Lægesekretariatet, kvinde-barn", "Visitation og booking",
        "Lægesekretariatet, ambulatorier")),
    _Group("hospitaladministration", 4, 380, _named(
        "service", "Hospitalsledelsens sekretariat", "Økonomi og Planlægning", "HR og Uddannelse",
        "Kvalitet og Data")),
))

_AGENCY = (BASE_AGENCY, (
    _Group("styrelsesenhed", 10, 800, _named(
        "su", "Jura og Regulering", "Data og Analyse", "Digital Forvaltning", "Ydelseskontrol",
        "Sagsbehandlingscenter Nord", "Sagsbehandlingscenter Syd", "Kundecenter", "HR og Økonomi",
        "Direktionssekretariat", "Udbetalingsenheden")),
))

TEMPLATES = {"municipality": _MUNICIPALITY, "hospital": _HOSPITAL, "agency": _AGENCY}


def _committee(org: Organisation, unit: Unit, area: str) -> str:
    if org.sector == "state":
        return f"su-{org.code}"
    if org.sector == "region":
        return f"med-{org.code}-{unit.code}-{area}"
    return f"med-{org.code}-{area}"


def _sizes(total: int, count: int, rng: random.Random) -> list[int]:
    """Split ``total`` staff over ``count`` workplaces of uneven size (at least 3 each)."""
    weights = [rng.uniform(0.7, 1.3) for _ in range(count)]
    scale = total / sum(weights)
    return [max(3, round(w * scale)) for w in weights]


def workplaces(org: Organisation, unit: Unit, seed: int) -> tuple[Workplace, ...]:
    """The workplaces of one unit; the same seed always gives the same workplaces."""
    rng = random.Random(f"{seed}:workplaces:{unit.code}")
    base, groups = TEMPLATES[unit.template]
    factor = unit.employees / base
    result: list[Workplace] = []
    for group in groups:
        count = max(1, round(group.count * factor))
        staff = max(3 * count, round(group.employees * factor))
        for k, size in enumerate(_sizes(staff, count, rng)):
            name, area = group.names[k % len(group.names)]
            if k >= len(group.names):
                name = f"{name} {k // len(group.names) + 1}"
            workplace_id = f"wp-{unit.code}-{slug(name)}"
            if group.type == "jobcenter":
                name = name.replace("Jobcenter", f"Jobcenter {org.name.removesuffix(' Kommune')}")
            elif unit.template == "hospital":
                name = f"{name}, {unit.name}"
            result.append(Workplace(workplace_id, name, group.type, _committee(org, unit, area), size))
    return tuple(result)

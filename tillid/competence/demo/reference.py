"""Fixed reference data of the demo organisation: professions, tasks and who does what.

The figures follow docs/reference/public-sector-facts.md; skill ids are the local
``dk:`` ids shared with the taxonomy. Nothing here depends on the seed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profession:
    profession_id: str
    title_da: str
    title_en: str
    hourly_cost_dkk: float

    def payload(self) -> dict:
        return {
            "profession_id": self.profession_id,
            "title_da": self.title_da,
            "title_en": self.title_en,
            "hourly_cost_dkk": self.hourly_cost_dkk,
        }


PROFESSIONS: tuple[Profession, ...] = (
    Profession("sosu_hjaelper", "social- og sundhedshjælper", "social and healthcare helper", 255),
    Profession("sosu_assistent", "social- og sundhedsassistent", "social and healthcare assistant", 285),
    Profession("sygeplejerske", "sygeplejerske", "nurse", 345),
    Profession("ergoterapeut", "ergoterapeut", "occupational therapist", 335),
    Profession("fysioterapeut", "fysioterapeut", "physiotherapist", 335),
    Profession("paedagogmedhjaelper", "pædagogisk assistent / medhjælper", "pedagogical assistant", 245),
    Profession("paedagog", "pædagog", "pedagogue", 320),
    Profession("hk_admin", "administrativ medarbejder (HK)", "administrative officer", 290),
    Profession("akademiker", "akademisk medarbejder (AC)", "academic officer", 410),
    Profession("laege", "læge", "medical doctor", 620),
    Profession("laegesekretaer", "lægesekretær", "medical secretary", 300),
    Profession("socialraadgiver", "socialrådgiver", "social worker", 350),
    Profession("leder", "leder", "manager", 480),
)

HOURLY_COST: dict[str, float] = {p.profession_id: p.hourly_cost_dkk for p in PROFESSIONS}


@dataclass(frozen=True)
class Task:
    task_id: str
    name_da: str
    name_en: str
    required_skills: tuple[tuple[str, int], ...]
    authorised_professions: tuple[str, ...]
    administrative: bool = False

    def payload(self) -> dict:
        return {
            "task_id": self.task_id,
            "name_da": self.name_da,
            "name_en": self.name_en,
            "required_skills": [{"skill": s, "min_level": m} for s, m in self.required_skills],
            "authorised_professions": list(self.authorised_professions),
            "administrative": self.administrative,
        }


_CARE = ("sosu_hjaelper", "sosu_assistent", "sygeplejerske")
_THERAPISTS = ("ergoterapeut", "fysioterapeut")

# Care tasks (municipal care homes and home care, hospital wards), defined in the care record.
CARE_TASKS: tuple[Task, ...] = (
    Task("t-oejendrypning", "Øjendrypning", "Eye drop administration",
         (("dk:oejendraabebehandling", 3),), ("sygeplejerske",)),
    Task("t-medicinadministration", "Medicinadministration (medicinrunde)",
         "Medicine administration (medicine round)",
         (("dk:medicinadministration", 3),), ("sygeplejerske", "sosu_assistent")),
    Task("t-medicindispensering", "Medicindispensering", "Medicine dispensing",
         (("dk:medicindispensering", 3),), ("sygeplejerske", "sosu_assistent")),
    Task("t-saarbehandling", "Sårbehandling", "Wound care",
         (("dk:saarbehandling", 3),), ("sygeplejerske",)),
    Task("t-kateterpleje", "Kateterpleje", "Catheter care",
         (("dk:kateterpleje", 3),), ("sygeplejerske", "sosu_assistent")),
    Task("t-insulingivning", "Insulingivning", "Insulin injection",
         (("dk:insulingivning", 3),), ("sygeplejerske",)),
    Task("t-blodproevetagning", "Blodprøvetagning", "Blood sampling",
         (("dk:blodproevetagning", 3),), ("sygeplejerske", "laege")),
    Task("t-personlig-pleje", "Personlig pleje", "Personal care",
         (("dk:personlig-pleje", 2),), _CARE),
    Task("t-hverdagsrehabilitering", "Hverdagsrehabilitering", "Everyday rehabilitation",
         (("dk:rehabilitering", 3),), _THERAPISTS + ("sosu_assistent", "sosu_hjaelper")),
    Task("t-demensomsorg", "Demensomsorg", "Dementia care",
         (("dk:demensomsorg", 3),), _CARE),
    Task("t-omsorgsdokumentation", "Daglig dokumentation i omsorgsjournal",
         "Daily documentation in the care record",
         (("dk:omsorgsdokumentation", 2),), _CARE + _THERAPISTS),
    Task("t-rengoering", "Rengøring i boliger", "Cleaning in residents' homes",
         (("dk:hygiejne", 1),), ("sosu_hjaelper", "sosu_assistent")),
    Task("t-registrering-pleje", "Registrering og indberetning (pleje)",
         "Registration and reporting (care)",
         (("dk:registrering", 2),), ("hk_admin", "sygeplejerske", "sosu_assistent", "leder"), True),
    Task("t-vagtplanlaegning", "Vagtplanlægning", "Rostering",
         (("dk:vagtplanlaegning", 3),), ("hk_admin", "leder", "sygeplejerske", "sosu_assistent"), True),
    Task("t-sektorovergange", "Koordinering af ind- og udskrivning",
         "Coordinating admissions and discharges",
         (("dk:sektorovergange", 3),), ("sygeplejerske", "sosu_assistent")),
    Task("t-velfaerdsteknologi", "Brug af velfærdsteknologi", "Using welfare technology",
         (("dk:velfaerdsteknologi", 2),), _THERAPISTS + _CARE),
)

# Day-care, job centre, case work and administration, defined in the municipal ERP.
OTHER_TASKS: tuple[Task, ...] = (
    # Day-care.
    Task("t-paedagogisk-praksis", "Pædagogisk praksis", "Pedagogical practice",
         (("dk:paedagogik", 3),), ("paedagog", "paedagogmedhjaelper")),
    Task("t-sprogstimulering", "Sprogstimulering", "Language stimulation",
         (("dk:sprogstimulering", 3),), ("paedagog",)),
    Task("t-inklusion", "Inkluderende indsatser", "Inclusion work",
         (("dk:inklusion", 3),), ("paedagog",)),
    Task("t-foraeldresamarbejde", "Forældresamarbejde", "Cooperation with parents",
         (("dk:foraeldresamarbejde", 3),), ("paedagog", "leder")),
    Task("t-registrering-dagtilbud", "Registrering af fremmøde og indberetning",
         "Attendance registration and reporting",
         (("dk:registrering", 2),), ("hk_admin", "paedagog", "paedagogmedhjaelper", "leder"), True),
    # Job centre and case work.
    Task("t-jobsamtaler", "Jobsamtaler og opfølgning", "Job interviews and follow-up",
         (("dk:beskaeftigelsesindsats", 3), ("dk:kommunikation", 3)), ("socialraadgiver", "akademiker")),
    Task("t-ydelsessagsbehandling", "Sagsbehandling af ydelser", "Benefit case work",
         (("dk:sagsbehandling", 3), ("dk:forvaltningsret", 3)), ("socialraadgiver", "akademiker")),
    Task("t-sagsintake", "Modtagelse og visitation af nye sager", "Intake and triage of new cases",
         (("dk:sagsbehandling", 2),), ("hk_admin", "socialraadgiver", "akademiker"), True),
    Task("t-journalisering", "Journalisering", "Records management",
         (("dk:journalisering", 2),), ("hk_admin", "socialraadgiver", "akademiker", "laegesekretaer"), True),
    # Administration.
    Task("t-kontoradministration", "Kontoradministration", "Office administration",
         (("dk:kontoradministration", 2),), ("hk_admin", "akademiker"), True),
    Task("t-oekonomistyring", "Økonomistyring og budgetopfølgning", "Financial management",
         (("dk:oekonomistyring", 3),), ("akademiker", "hk_admin", "leder")),
    Task("t-juridisk-sagsbehandling", "Juridisk sagsbehandling", "Legal case handling",
         (("dk:jura", 3), ("dk:forvaltningsret", 3)), ("akademiker",)),
    Task("t-dataanalyse", "Dataanalyse og ledelsesinformation", "Data analysis and management information",
         (("dk:dataforstaaelse", 3),), ("akademiker",)),
    Task("t-projektledelse", "Projektledelse", "Project management",
         (("dk:projektledelse", 3),), ("akademiker", "leder")),
    Task("t-ledelse", "Personaleledelse", "People management",
         (("dk:ledelse", 3),), ("leder",)),
    Task("t-borgerbetjening", "Borgerbetjening", "Citizen service",
         (("dk:kommunikation", 3),), ("hk_admin", "socialraadgiver", "akademiker")),
    Task("t-digital-forvaltning", "Digital sagsunderstøttelse", "Digital case support",
         (("dk:digitale-kompetencer", 3),), ("akademiker", "hk_admin")),
)

# Hospital tasks, defined in the hospital's electronic patient record.
HOSPITAL_TASKS: tuple[Task, ...] = (
    Task("t-akut-sygepleje", "Akut sygepleje", "Acute nursing",
         (("dk:akut-sygepleje", 3), ("dk:klinisk-beslutningstagning", 3)), ("sygeplejerske",)),
    Task("t-klinisk-sygepleje", "Klinisk sygepleje på sengeafsnit", "Clinical nursing on a ward",
         (("dk:klinisk-beslutningstagning", 3), ("dk:hygiejne", 2)), ("sygeplejerske",)),
    Task("t-diagnostik-behandling", "Diagnostik og behandling", "Diagnosis and treatment",
         (("dk:klinisk-beslutningstagning", 4),), ("laege",)),
    Task("t-transskription", "Transskription af journalnotater", "Transcription of record notes",
         (("dk:laegesekretaer-transskription", 3),), ("laegesekretaer",), True),
    Task("t-patientkoordinering", "Booking og patientkoordinering", "Booking and patient coordination",
         (("dk:patientkoordinering", 3),), ("laegesekretaer", "sygeplejerske", "laege"), True),
    Task("t-registrering-lpr", "Registrering og kodning til Landspatientregistret",
         "Registration and coding for the national patient register",
         (("dk:registrering", 3),), ("laegesekretaer", "laege", "sygeplejerske"), True),
)

TASKS: tuple[Task, ...] = CARE_TASKS + OTHER_TASKS + HOSPITAL_TASKS
TASKS_BY_ID: dict[str, Task] = {t.task_id: t for t in TASKS}

# Tasks that appear only through a DigitalisationChange (new_task effects).
VALIDATION_TASK = Task(
    "t-validering-automatiske-afgoerelser", "Validering af automatiske afgørelser",
    "Validation of automated decisions",
    (("dk:validering-automatiske-afgoerelser", 3), ("dk:forvaltningsret", 3), ("dk:dataforstaaelse", 2)),
    ("socialraadgiver", "akademiker", "hk_admin"))
SPEECH_QA_TASK = Task(
    "t-kvalitetssikring-talegenkendelse", "Koordinering og kvalitetssikring af talegenkendte notater",
    "Coordinating and checking speech-recognised notes",
    (("dk:talegenkendelse", 3), ("dk:patientkoordinering", 2)),
    ("laegesekretaer", "hk_admin"), True)


@dataclass(frozen=True)
class WorkplaceType:
    """How one kind of workplace is staffed and what its staff spend their hours on.

    ``mix`` draws the profession of every employee but the first (the manager).
    ``profile`` gives, per profession, tasks with relative weights of their hours;
    some weights put specialists on work a cheaper authorised group could do: the
    planted LEON cases.
    """

    key: str
    mix: tuple[tuple[str, float], ...]
    profile: dict[str, tuple[tuple[str, float], ...]]


_LEADER = (("t-ledelse", 6.0), ("t-oekonomistyring", 1.5), ("t-projektledelse", 1.0))

_CARE_HOME = WorkplaceType(
    "plejecenter",
    (("sosu_hjaelper", 0.36), ("sosu_assistent", 0.42), ("sygeplejerske", 0.11),
     ("ergoterapeut", 0.03), ("fysioterapeut", 0.03), ("hk_admin", 0.05)),
    {
        "sygeplejerske": (("t-medicinadministration", 3.0), ("t-oejendrypning", 1.5), ("t-saarbehandling", 2.0),
                          ("t-insulingivning", 1.0), ("t-medicindispensering", 1.0), ("t-registrering-pleje", 2.0),
                          ("t-vagtplanlaegning", 1.0), ("t-omsorgsdokumentation", 1.5), ("t-sektorovergange", 1.5)),
        "sosu_assistent": (("t-medicinadministration", 2.0), ("t-personlig-pleje", 3.0), ("t-demensomsorg", 2.0),
                           ("t-omsorgsdokumentation", 1.5), ("t-kateterpleje", 0.5), ("t-rengoering", 0.5),
                           ("t-velfaerdsteknologi", 0.3)),
        "sosu_hjaelper": (("t-personlig-pleje", 5.0), ("t-demensomsorg", 1.5), ("t-rengoering", 2.0),
                          ("t-omsorgsdokumentation", 1.0), ("t-hverdagsrehabilitering", 0.5)),
        "ergoterapeut": (("t-hverdagsrehabilitering", 6.0), ("t-velfaerdsteknologi", 2.0),
                         ("t-omsorgsdokumentation", 1.5)),
        "fysioterapeut": (("t-hverdagsrehabilitering", 7.0), ("t-velfaerdsteknologi", 1.0),
                          ("t-omsorgsdokumentation", 1.5)),
        "hk_admin": (("t-registrering-pleje", 4.0), ("t-vagtplanlaegning", 3.0), ("t-kontoradministration", 3.0)),
        "leder": _LEADER + (("t-vagtplanlaegning", 1.5),),
    },
)

_HOME_CARE = WorkplaceType(
    "hjemmepleje",
    (("sosu_hjaelper", 0.45), ("sosu_assistent", 0.32), ("sygeplejerske", 0.13),
     ("ergoterapeut", 0.02), ("fysioterapeut", 0.02), ("hk_admin", 0.06)),
    {
        "sygeplejerske": (("t-insulingivning", 2.0), ("t-saarbehandling", 2.5), ("t-oejendrypning", 2.0),
                          ("t-medicindispensering", 2.0), ("t-medicinadministration", 1.5), ("t-kateterpleje", 1.0),
                          ("t-blodproevetagning", 0.8), ("t-registrering-pleje", 2.0), ("t-sektorovergange", 1.5),
                          ("t-omsorgsdokumentation", 1.5)),
        "sosu_assistent": (("t-medicinadministration", 2.5), ("t-personlig-pleje", 3.0), ("t-kateterpleje", 0.8),
                           ("t-hverdagsrehabilitering", 1.0), ("t-omsorgsdokumentation", 1.5),
                           ("t-velfaerdsteknologi", 0.5)),
        "sosu_hjaelper": (("t-personlig-pleje", 5.0), ("t-rengoering", 2.5), ("t-hverdagsrehabilitering", 1.0),
                          ("t-omsorgsdokumentation", 1.0)),
        "ergoterapeut": (("t-hverdagsrehabilitering", 6.0), ("t-velfaerdsteknologi", 2.5),
                         ("t-omsorgsdokumentation", 1.5)),
        "fysioterapeut": (("t-hverdagsrehabilitering", 7.0), ("t-omsorgsdokumentation", 1.5)),
        "hk_admin": (("t-vagtplanlaegning", 4.0), ("t-registrering-pleje", 3.0), ("t-kontoradministration", 3.0)),
        "leder": _LEADER + (("t-vagtplanlaegning", 1.5),),
    },
)

_DAY_CARE = WorkplaceType(
    "daginstitution",
    (("paedagog", 0.58), ("paedagogmedhjaelper", 0.42)),
    {
        "paedagog": (("t-paedagogisk-praksis", 5.0), ("t-sprogstimulering", 1.5), ("t-inklusion", 1.5),
                     ("t-foraeldresamarbejde", 1.5), ("t-registrering-dagtilbud", 1.0)),
        "paedagogmedhjaelper": (("t-paedagogisk-praksis", 7.0), ("t-registrering-dagtilbud", 0.5)),
        "leder": (("t-ledelse", 5.0), ("t-foraeldresamarbejde", 1.5), ("t-oekonomistyring", 1.5),
                  ("t-registrering-dagtilbud", 1.0)),
    },
)

_JOB_CENTRE = WorkplaceType(
    "jobcenter",
    (("socialraadgiver", 0.48), ("akademiker", 0.26), ("hk_admin", 0.26)),
    {
        "socialraadgiver": (("t-jobsamtaler", 4.0), ("t-ydelsessagsbehandling", 3.0), ("t-sagsintake", 1.5),
                            ("t-journalisering", 1.5)),
        "akademiker": (("t-jobsamtaler", 3.0), ("t-ydelsessagsbehandling", 3.0), ("t-dataanalyse", 1.0),
                       ("t-journalisering", 1.0)),
        "hk_admin": (("t-sagsintake", 3.0), ("t-journalisering", 3.0), ("t-borgerbetjening", 3.0),
                     ("t-kontoradministration", 1.0)),
        "leder": _LEADER,
    },
)

_ADMINISTRATION = WorkplaceType(
    "administration",
    (("akademiker", 0.5), ("hk_admin", 0.5)),
    {
        "akademiker": (("t-oekonomistyring", 2.0), ("t-juridisk-sagsbehandling", 1.5), ("t-dataanalyse", 1.5),
                       ("t-projektledelse", 2.0), ("t-digital-forvaltning", 1.0), ("t-kontoradministration", 0.8)),
        "hk_admin": (("t-kontoradministration", 4.0), ("t-journalisering", 2.0), ("t-borgerbetjening", 2.0),
                     ("t-oekonomistyring", 1.0)),
        "leder": _LEADER,
    },
)

_WARD = WorkplaceType(
    "sengeafsnit",
    (("sygeplejerske", 0.56), ("laege", 0.2), ("sosu_assistent", 0.13), ("laegesekretaer", 0.05),
     ("fysioterapeut", 0.03), ("ergoterapeut", 0.03)),
    {
        "sygeplejerske": (("t-klinisk-sygepleje", 5.0), ("t-medicinadministration", 2.0),
                          ("t-blodproevetagning", 1.0), ("t-saarbehandling", 1.0), ("t-patientkoordinering", 1.2),
                          ("t-registrering-lpr", 0.8), ("t-personlig-pleje", 0.8), ("t-sektorovergange", 0.8)),
        "laege": (("t-diagnostik-behandling", 7.0), ("t-registrering-lpr", 1.2), ("t-patientkoordinering", 0.4)),
        "sosu_assistent": (("t-personlig-pleje", 4.0), ("t-medicinadministration", 1.5), ("t-kateterpleje", 0.8),
                           ("t-omsorgsdokumentation", 1.0)),
        "laegesekretaer": (("t-transskription", 3.0), ("t-patientkoordinering", 3.0), ("t-registrering-lpr", 2.0),
                           ("t-journalisering", 1.0)),
        "fysioterapeut": (("t-hverdagsrehabilitering", 6.0), ("t-omsorgsdokumentation", 1.0)),
        "ergoterapeut": (("t-hverdagsrehabilitering", 6.0), ("t-omsorgsdokumentation", 1.0)),
        "leder": (("t-ledelse", 5.0), ("t-vagtplanlaegning", 2.0), ("t-oekonomistyring", 1.0)),
    },
)

_ACUTE = WorkplaceType(
    "akutmodtagelse",
    (("sygeplejerske", 0.6), ("laege", 0.25), ("sosu_assistent", 0.1), ("laegesekretaer", 0.05)),
    {
        "sygeplejerske": (("t-akut-sygepleje", 6.0), ("t-medicinadministration", 1.5),
                          ("t-blodproevetagning", 1.5), ("t-patientkoordinering", 1.0), ("t-registrering-lpr", 0.8)),
        "laege": (("t-diagnostik-behandling", 7.0), ("t-registrering-lpr", 1.5)),
        "sosu_assistent": (("t-personlig-pleje", 3.0), ("t-omsorgsdokumentation", 1.0),
                           ("t-medicinadministration", 0.8)),
        "laegesekretaer": (("t-patientkoordinering", 3.0), ("t-registrering-lpr", 2.5), ("t-transskription", 2.0)),
        "leder": (("t-ledelse", 5.0), ("t-vagtplanlaegning", 2.0), ("t-oekonomistyring", 1.0)),
    },
)

_SECRETARIAT = WorkplaceType(
    "sekretariat",
    (("laegesekretaer", 0.88), ("hk_admin", 0.12)),
    {
        "laegesekretaer": (("t-transskription", 4.0), ("t-patientkoordinering", 3.0), ("t-registrering-lpr", 2.5),
                           ("t-journalisering", 1.0)),
        "hk_admin": (("t-journalisering", 3.0), ("t-kontoradministration", 3.0)),
        "leder": _LEADER,
    },
)

_HOSPITAL_ADMIN = WorkplaceType(
    "hospitaladministration",
    (("akademiker", 0.5), ("hk_admin", 0.5)),
    {
        "akademiker": (("t-dataanalyse", 2.5), ("t-oekonomistyring", 2.0), ("t-projektledelse", 2.0),
                       ("t-kontoradministration", 0.8)),
        "hk_admin": (("t-kontoradministration", 4.0), ("t-journalisering", 2.0), ("t-oekonomistyring", 1.0)),
        "leder": _LEADER,
    },
)

_AGENCY_UNIT = WorkplaceType(
    "styrelsesenhed",
    (("akademiker", 0.62), ("hk_admin", 0.3), ("socialraadgiver", 0.08)),
    {
        "akademiker": (("t-juridisk-sagsbehandling", 3.0), ("t-ydelsessagsbehandling", 2.0), ("t-dataanalyse", 2.0),
                       ("t-projektledelse", 1.0), ("t-digital-forvaltning", 1.0), ("t-journalisering", 0.8)),
        "hk_admin": (("t-journalisering", 3.0), ("t-kontoradministration", 3.0), ("t-sagsintake", 2.0),
                     ("t-borgerbetjening", 2.0)),
        "socialraadgiver": (("t-ydelsessagsbehandling", 4.0), ("t-sagsintake", 1.0)),
        "leder": _LEADER,
    },
)

WORKPLACE_TYPES: dict[str, WorkplaceType] = {
    t.key: t for t in (_CARE_HOME, _HOME_CARE, _DAY_CARE, _JOB_CENTRE, _ADMINISTRATION, _WARD, _ACUTE,
                       _SECRETARIAT, _HOSPITAL_ADMIN, _AGENCY_UNIT)
}

# Skills an employee of a profession may hold beyond those of their tasks: (skill, lowest, highest).
EXTRA_SKILLS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "sosu_hjaelper": (("dk:oejendraabebehandling", 0, 2), ("dk:medicinadministration", 0, 2),
                      ("dk:velfaerdsteknologi", 1, 3), ("dk:digitale-kompetencer", 1, 3), ("dk:hygiejne", 2, 3)),
    "sosu_assistent": (("dk:oejendraabebehandling", 2, 4), ("dk:insulingivning", 1, 4), ("dk:saarbehandling", 1, 3),
                       ("dk:blodproevetagning", 0, 3), ("dk:digitalt-medicinmodul", 0, 2),
                       ("dk:sektorovergange", 1, 3), ("dk:registrering", 1, 3)),
    "sygeplejerske": (("dk:digitalt-medicinmodul", 0, 3), ("dk:hygiejne", 3, 4), ("dk:kateterpleje", 3, 4),
                      ("dk:akut-sygepleje", 1, 3), ("dk:demensomsorg", 2, 4)),
    "ergoterapeut": (("dk:demensomsorg", 1, 3), ("dk:beskaeftigelsesindsats", 0, 2), ("dk:digitale-kompetencer", 2, 3)),
    "fysioterapeut": (("dk:demensomsorg", 1, 3), ("dk:velfaerdsteknologi", 1, 3), ("dk:digitale-kompetencer", 2, 3)),
    "paedagogmedhjaelper": (("dk:sprogstimulering", 1, 3), ("dk:inklusion", 1, 2), ("dk:foraeldresamarbejde", 1, 3)),
    "paedagog": (("dk:digitale-kompetencer", 1, 3), ("dk:ledelse", 0, 2), ("dk:kommunikation", 2, 4)),
    "hk_admin": (("dk:registrering", 2, 4), ("dk:sagsbehandling", 1, 3), ("dk:digitale-kompetencer", 2, 4),
                 ("dk:forvaltningsret", 1, 2), ("dk:patientkoordinering", 0, 2), ("dk:vagtplanlaegning", 1, 3)),
    "akademiker": (("dk:forvaltningsret", 2, 4), ("dk:kommunikation", 3, 4), ("dk:dataforstaaelse", 2, 4),
                   ("dk:digitale-kompetencer", 3, 4), ("dk:validering-automatiske-afgoerelser", 0, 2)),
    "laege": (("dk:blodproevetagning", 3, 5), ("dk:akut-sygepleje", 2, 4), ("dk:talegenkendelse", 0, 2)),
    "laegesekretaer": (("dk:talegenkendelse", 0, 3), ("dk:kontoradministration", 2, 4),
                       ("dk:digitale-kompetencer", 2, 3)),
    "socialraadgiver": (("dk:jura", 1, 3), ("dk:dataforstaaelse", 1, 3), ("dk:kommunikation", 3, 4),
                        ("dk:validering-automatiske-afgoerelser", 0, 2)),
    "leder": (("dk:projektledelse", 2, 4), ("dk:kommunikation", 3, 4), ("dk:dataforstaaelse", 1, 3),
              ("dk:vagtplanlaegning", 2, 4)),
}

# What employees of a profession say they want to learn (EmployeeUpserted.learning_interests).
ASPIRATIONS: dict[str, tuple[str, ...]] = {
    "sosu_hjaelper": ("dk:medicinadministration", "dk:oejendraabebehandling", "dk:demensomsorg",
                      "dk:velfaerdsteknologi"),
    "sosu_assistent": ("dk:saarbehandling", "dk:insulingivning", "dk:blodproevetagning", "dk:digitalt-medicinmodul",
                       "dk:sektorovergange"),
    "sygeplejerske": ("dk:akut-sygepleje", "dk:ledelse", "dk:sektorovergange", "dk:digitalt-medicinmodul"),
    "ergoterapeut": ("dk:velfaerdsteknologi", "dk:beskaeftigelsesindsats", "dk:demensomsorg"),
    "fysioterapeut": ("dk:velfaerdsteknologi", "dk:rehabilitering", "dk:demensomsorg"),
    "paedagogmedhjaelper": ("dk:sprogstimulering", "dk:inklusion", "dk:paedagogik"),
    "paedagog": ("dk:inklusion", "dk:ledelse", "dk:sprogstimulering"),
    "hk_admin": ("dk:patientkoordinering", "dk:forvaltningsret", "dk:dataforstaaelse", "dk:registrering"),
    "akademiker": ("dk:dataforstaaelse", "dk:projektledelse", "dk:validering-automatiske-afgoerelser"),
    "laege": ("dk:ledelse", "dk:talegenkendelse"),
    "laegesekretaer": ("dk:talegenkendelse", "dk:patientkoordinering", "dk:dataforstaaelse"),
    "socialraadgiver": ("dk:validering-automatiske-afgoerelser", "dk:jura", "dk:dataforstaaelse"),
    "leder": ("dk:ledelse", "dk:oekonomistyring", "dk:projektledelse"),
}

# Free-text names (typos, abbreviations, system names) that HR systems send instead of ids.
FREE_TEXT_NAMES: dict[str, tuple[str, ...]] = {
    "dk:medicinadministration": ("medicin adm.", "Medicinadm", "medicinhåndtering"),
    "dk:saarbehandling": ("sårpleje", "Sårbehandl."),
    "dk:omsorgsdokumentation": ("Nexus dok.", "dokumentation i Nexus"),
    "dk:oejendraabebehandling": ("øjendrypning", "øjendråber"),
    "dk:insulingivning": ("insulin inj.", "insulin"),
    "dk:blodproevetagning": ("blodprøver", "blodprøvetagn."),
    "dk:demensomsorg": ("demens", "demenspleje"),
    "dk:rehabilitering": ("hverdagsrehab.", "rehab"),
    "dk:sagsbehandling": ("sagsbeh.", "sagsbehandlng"),
    "dk:vagtplanlaegning": ("vagtplan", "vagtplanlægn."),
    "dk:registrering": ("LPR-registrering", "indberetning"),
    "dk:laegesekretaer-transskription": ("diktatskrivning", "transkription"),
    "dk:personlig-pleje": ("pers. pleje", "personlig hygiejne"),
    "dk:kontoradministration": ("kontorarb.", "kontoradm"),
}

# Which learning domains a profession draws its courses from (see catalogue.TOPICS).
PROFESSION_DOMAINS: dict[str, tuple[str, ...]] = {
    "sosu_hjaelper": ("care",),
    "sosu_assistent": ("care",),
    "sygeplejerske": ("care", "nursing"),
    "ergoterapeut": ("care",),
    "fysioterapeut": ("care",),
    "paedagogmedhjaelper": ("daycare",),
    "paedagog": ("daycare",),
    "hk_admin": ("admin",),
    "akademiker": ("casework", "admin", "leadership"),
    "laege": ("nursing",),
    "laegesekretaer": ("nursing", "admin"),
    "socialraadgiver": ("casework",),
    "leder": ("leadership", "admin"),
}

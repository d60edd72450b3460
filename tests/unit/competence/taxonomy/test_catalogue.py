import collections
from importlib import resources

import pytest

from tillid.competence.taxonomy.catalogue import (
    ESCO_PREFIX,
    SkillTaxonomy,
    parse_esco_skills,
    parse_local_catalogue,
)
from tillid.competence.taxonomy.text import fold
from tillid.errors import InvalidInput

# The shared ids of BRIEF-skills.md (id, Danish label, English label): the demo data uses them.
BRIEF_SKILLS = [
    ("dk:medicinadministration", "medicinadministration", "medicine administration"),
    ("dk:medicindispensering", "medicindispensering", "medicine dispensing"),
    ("dk:oejendraabebehandling", "øjendråbebehandling", "eye drop administration"),
    ("dk:saarbehandling", "sårbehandling", "wound care"),
    ("dk:kateterpleje", "kateterpleje", "catheter care"),
    ("dk:insulingivning", "insulingivning", "insulin injection"),
    ("dk:blodproevetagning", "blodprøvetagning", "blood sampling"),
    ("dk:personlig-pleje", "personlig pleje", "personal care"),
    ("dk:rehabilitering", "hverdagsrehabilitering", "everyday rehabilitation"),
    ("dk:demensomsorg", "demensomsorg", "dementia care"),
    ("dk:omsorgsdokumentation", "dokumentation i omsorgsjournal", "care record documentation"),
    ("dk:digitalt-medicinmodul", "digitalt medicinmodul", "digital medicine module"),
    ("dk:velfaerdsteknologi", "velfærdsteknologi", "welfare technology"),
    ("dk:hygiejne", "infektionshygiejne", "infection hygiene"),
    ("dk:sektorovergange", "sektorovergange", "cross-sector transitions"),
    ("dk:sagsbehandling", "sagsbehandling", "case work"),
    ("dk:forvaltningsret", "forvaltningsret", "administrative law"),
    ("dk:beskaeftigelsesindsats", "beskæftigelsesindsats", "employment services"),
    ("dk:dataforstaaelse", "dataforståelse", "data literacy"),
    ("dk:validering-automatiske-afgoerelser", "validering af automatiske afgørelser",
     "validation of automated decisions"),
    ("dk:paedagogik", "pædagogisk praksis", "pedagogical practice"),
    ("dk:sprogstimulering", "sprogstimulering", "language stimulation"),
    ("dk:inklusion", "inklusion", "inclusion"),
    ("dk:foraeldresamarbejde", "forældresamarbejde", "cooperation with parents"),
    ("dk:kontoradministration", "kontoradministration", "office administration"),
    ("dk:vagtplanlaegning", "vagtplanlægning", "rostering"),
    ("dk:journalisering", "journalisering", "records management"),
    ("dk:registrering", "registrering og indberetning", "registration and reporting"),
    ("dk:laegesekretaer-transskription", "lægesekretærtransskription", "medical transcription"),
    ("dk:talegenkendelse", "talegenkendelse", "speech recognition tools"),
    ("dk:patientkoordinering", "patientkoordinering", "patient coordination"),
    ("dk:akut-sygepleje", "akut sygepleje", "acute nursing"),
    ("dk:klinisk-beslutningstagning", "klinisk beslutningstagning", "clinical decision making"),
    ("dk:ledelse", "ledelse", "leadership"),
    ("dk:projektledelse", "projektledelse", "project management"),
    ("dk:oekonomistyring", "økonomistyring", "financial management"),
    ("dk:jura", "juridisk sagsbehandling", "legal case handling"),
    ("dk:kommunikation", "borgerkommunikation", "citizen communication"),
    ("dk:digitale-kompetencer", "digitale kompetencer", "digital skills"),
]


@pytest.mark.parametrize("skill_id, label_da, label_en", BRIEF_SKILLS)
def test_every_shared_skill_id_exists_with_its_labels(taxonomy, skill_id, label_da, label_en):
    assert taxonomy.is_known(skill_id)
    assert taxonomy.label(skill_id, "da") == label_da
    assert taxonomy.label(skill_id, "en") == label_en


def test_local_catalogue_has_at_least_80_skills_with_both_labels(taxonomy):
    local = taxonomy.local_skills
    assert len(local) >= 80
    assert all(s.label_da and s.label_en for s in local)
    domains = collections.Counter(s.domain for s in local)
    for domain in ("care", "medicine", "digital", "casework", "pedagogy", "administration", "leadership"):
        assert domains[domain] >= 5, domain


def test_local_ids_are_dk_ascii_slugs(taxonomy):
    for skill in taxonomy.local_skills:
        assert skill.id.startswith("dk:") and skill.id.isascii() and skill.id == skill.id.lower()


def test_esco_uris_of_the_local_catalogue_are_in_the_shipped_esco_file(taxonomy):
    linked = [s.esco_uri for s in taxonomy.local_skills if s.esco_uri]
    assert len(linked) >= 40
    for uri in linked:
        esco = taxonomy.find(uri)
        assert esco is not None and not esco.is_local, uri


def test_shipped_esco_file_has_every_skill_of_the_source(taxonomy):
    assert len(taxonomy.esco_skills) == 13939
    assert all(s.id.startswith(ESCO_PREFIX) and s.label_en for s in taxonomy.esco_skills)


def test_shipped_data_is_small_and_attributed():
    data = resources.files("tillid.competence.taxonomy").joinpath("data")
    assert len(data.joinpath("esco_skills.csv.gz").read_bytes()) < 4 * 1024 * 1024
    attribution = data.joinpath("ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in attribution and "European Union" in attribution


def test_no_name_belongs_to_two_local_skills(taxonomy):
    owners = collections.defaultdict(set)
    for skill in taxonomy.local_skills:
        for name in skill.names:
            owners[fold(name)].add(skill.id)
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1}
    assert shared == {}


def test_lookup_by_local_id_and_by_esco_uri(taxonomy):
    wound = taxonomy.get("dk:saarbehandling")
    assert wound.label("da") == "sårbehandling" and wound.label("en") == "wound care"
    assert "sårpleje" in wound.synonyms_da
    esco = taxonomy.get(wound.esco_uri)
    assert esco.label("da") == esco.label("en") == esco.label_en  # ESCO ships English labels only
    assert taxonomy.local_for_esco(wound.esco_uri) == "dk:saarbehandling"
    assert not taxonomy.is_known("dk:no-such-skill")
    with pytest.raises(InvalidInput):
        taxonomy.get("dk:no-such-skill")


def test_esco_labels_of_a_linked_concept_train_the_local_skill(taxonomy):
    names, ids = taxonomy.training_pairs()
    pairs = set(zip(names, ids))
    assert ("administer prescribed medication", "dk:medicinadministration") in pairs
    linked = {s.esco_uri for s in taxonomy.local_skills if s.esco_uri}
    assert not linked & set(ids)


HEADER = "id,domain,label_da,label_en,synonyms_da,synonyms_en,esco_uri\n"


def test_parse_local_catalogue_reads_synonyms():
    (skill,) = parse_local_catalogue(HEADER + "dk:sar,care,sår,wound,sårpleje| sårbeh. ,wounds,\n")
    assert skill.synonyms_da == ("sårpleje", "sårbeh.")
    assert skill.synonyms_en == ("wounds",)
    assert skill.esco_uri is None


@pytest.mark.parametrize("row, field", [
    ("Sår,care,sår,wound,,,", "id"),
    ("dk:sår,care,sår,wound,,,", "id"),
    ("dk:sar,cooking,sår,wound,,,", "domain"),
    ("dk:sar,care,,wound,,,", "label_da"),
    ("dk:sar,care,sår,wound,,,https://example.org/x", "esco_uri"),
])
def test_parse_local_catalogue_names_the_bad_line_and_field(row, field):
    with pytest.raises(InvalidInput) as error:
        parse_local_catalogue(HEADER + row + "\n")
    assert error.value.field == f"local_skills.csv:2.{field}"


def test_parse_local_catalogue_rejects_wrong_columns():
    with pytest.raises(InvalidInput):
        parse_local_catalogue("id,label\ndk:a,b\n")


def test_taxonomy_rejects_unknown_esco_links_and_duplicate_ids():
    local = parse_local_catalogue(HEADER + f"dk:a,care,a,a,,,{ESCO_PREFIX}missing\n")
    with pytest.raises(InvalidInput):
        SkillTaxonomy(local, ())
    esco = parse_esco_skills(f"uri,preferred_label,alt_labels,description\n{ESCO_PREFIX}x,do x,,\n")
    with pytest.raises(InvalidInput):
        SkillTaxonomy((), esco + esco)

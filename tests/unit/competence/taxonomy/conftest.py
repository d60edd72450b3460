from pathlib import Path

import pytest

from tillid.competence.taxonomy import default_mapper, default_taxonomy
from tillid.competence.taxonomy.evaluation import parse_labelled_names

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


@pytest.fixture(scope="session")
def taxonomy():
    return default_taxonomy()


@pytest.fixture(scope="session")
def mapper():
    """The process-wide default mapper (built once; the CLI test reuses it)."""
    return default_mapper()


@pytest.fixture(scope="session")
def labelled():
    return parse_labelled_names((FIXTURES / "skill_names_labelled.csv").read_text(encoding="utf-8"))

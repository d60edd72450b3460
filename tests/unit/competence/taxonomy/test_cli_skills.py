import io
import json

from tillid.cli import main
from tillid.competence.taxonomy.index_file import save_index


def run_map(monkeypatch, capsys, text, *args):
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code = main(["skills", "map", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_skills_map_writes_one_json_object_per_name(monkeypatch, capsys, mapper):
    code, out, err = run_map(monkeypatch, capsys, "Sårpleje\n\n  med. adm.  \nxyzzy\ndk:hygiejne\n")
    assert code == 0 and err == ""
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["name"] for line in lines] == ["Sårpleje", "med. adm.", "xyzzy", "dk:hygiejne"]
    for line in lines:
        assert set(line) == {"name", "skill", "label", "confidence"}
        assert 0.0 <= line["confidence"] <= 1.0
        assert (line["skill"] is None) == (line["label"] is None)
    assert lines[0]["skill"] == "dk:saarbehandling" and lines[0]["label"] == "sårbehandling"
    assert lines[2]["skill"] is None
    assert lines[3] == {"name": "dk:hygiejne", "skill": "dk:hygiejne", "label": "infektionshygiejne",
                        "confidence": 1.0}


def test_skills_map_reads_a_file(tmp_path, capsys, mapper):
    names = tmp_path / "names.txt"
    names.write_text("Sagsbeh.\nFMK\n", encoding="utf-8")
    assert main(["skills", "map", "--input", str(names)]) == 0
    skills = [json.loads(line)["skill"] for line in capsys.readouterr().out.splitlines()]
    assert skills == ["dk:sagsbehandling", "dk:digitalt-medicinmodul"]


def test_skills_map_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["skills", "map", "--input", str(tmp_path / "none.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err


def test_skills_map_reads_the_index_file_in_the_data_directory(monkeypatch, capsys, tmp_path, mapper, taxonomy):
    from tillid.competence.taxonomy import SkillMapper, index_file

    save_index(mapper, tmp_path / index_file.INDEX_FILE_NAME, index_file.index_key(taxonomy, SkillMapper(taxonomy)))
    monkeypatch.setattr(index_file, "_default", None)
    monkeypatch.setenv("TILLID_DATA_DIR", str(tmp_path))
    code, out, _ = run_map(monkeypatch, capsys, "Sårpleje\n")
    assert code == 0 and json.loads(out)["skill"] == "dk:saarbehandling"
    assert index_file._default.names_index_.vectorizer is None  # read from the file, not fitted

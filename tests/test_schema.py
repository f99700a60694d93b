"""Bad data files fail with ``FILE:LINE: field: problem``, in the library and the CLI.

Every case writes one broken record into a copy of the project and checks
the located message; the CLI cases also check the exit code, that stderr is
one line, and that no traceback reaches the user.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stance.cli import app
from stance.corpus.articles import load_articles, load_sentences
from stance.corpus.gold import load_gold, load_labels, validate_label, write_labels
from stance.errors import StanceError
from stance.io.jsonl import iter_jsonl
from stance.schema import STANCES, Label, sent_id

GOOD = {"sent_id": "a:000", "speaker": "PCS", "speaker_type": "organisation", "stance": "anti", "annotator": "t"}


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def error_of(func, *args, **kwargs) -> StanceError:
    with pytest.raises(StanceError) as info:
        func(*args, **kwargs)
    return info.value


def test_error_renders_file_line_field():
    assert str(StanceError("bad", path="x.jsonl", line=3, field="stance")) == "x.jsonl:3: stance: bad"
    assert str(StanceError("bad", path="x.jsonl")) == "x.jsonl: bad"
    assert str(StanceError("bad")) == "bad"


def test_sent_id_is_article_and_padded_index():
    assert sent_id("dwp-offshore-it-jobs", 7) == "dwp-offshore-it-jobs:007"


def test_label_round_trips_with_note_and_extra_fields():
    record = {**GOOD, "note": "why", "confidence": "high"}
    label = validate_label(record)
    assert label == Label("a:000", "PCS", "organisation", "anti", "t", note="why")
    assert label.to_dict() == record
    assert "note" not in validate_label(GOOD).to_dict()


# --- labels --------------------------------------------------------------------

BAD_LABELS = [
    ({**GOOD, "stance": "against"}, "stance", "unknown stance 'against'; allowed: pro, anti, neutral"),
    ({**GOOD, "speaker_type": "union"}, "speaker_type", "allowed: person, organisation, author"),
    ({k: v for k, v in GOOD.items() if k != "speaker"}, "speaker", "missing or empty field"),
    ({**GOOD, "annotator": ""}, "annotator", "missing or empty field"),
    ({**GOOD, "stance": 1}, "stance", "missing or empty field"),
    ({**GOOD, "speaker": "author"}, "speaker_type", "speaker 'author' goes with speaker_type 'author'"),
    ({**GOOD, "speaker_type": "author"}, "speaker_type", "speaker 'author' goes with speaker_type 'author'"),
    ({**GOOD, "note": 3}, "note", "expected a string"),
]


@pytest.mark.parametrize(("record", "field", "message"), BAD_LABELS)
def test_bad_label_is_located(tmp_path, record, field, message):
    path = tmp_path / "gold.jsonl"
    write_lines(path, [json.dumps({**GOOD, "sent_id": "a:001"}), json.dumps(record)])
    error = error_of(load_labels, path)
    assert (error.path, error.line, error.field) == (str(path), 2, field)
    assert message in str(error)
    assert str(error).startswith(f"{path}:2: {field}: ")


def test_allowed_stances_are_listed_in_schema_order(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_lines(path, [json.dumps({**GOOD, "stance": "Pro"})])
    assert str(error_of(load_labels, path)).endswith("allowed: " + ", ".join(STANCES))


def test_duplicate_label_is_located(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_lines(path, [json.dumps(GOOD), "", json.dumps({**GOOD, "stance": "pro"})])
    error = error_of(load_labels, path)
    assert (error.line, error.field) == (3, "sent_id")
    assert "duplicate label for 'a:000'" in str(error)


def test_label_for_unknown_sentence_is_located(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_lines(path, [json.dumps(GOOD), json.dumps({**GOOD, "sent_id": "b:000"})])
    assert load_labels(path)  # without the sentence table it cannot know
    error = error_of(load_labels, path, known_ids={"a:000"})
    assert (error.line, error.field) == (2, "sent_id")
    assert "label for unknown sentence 'b:000'" in str(error)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"sent_id": "a:000", "speaker": "PCS"', "bad JSON"),
        ("{'sent_id': 'a:000'}", "bad JSON"),
        ('["a:000", "PCS"]', "expected a JSON object"),
        ("not json at all", "bad JSON"),
    ],
)
def test_bad_json_is_located(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    write_lines(path, [json.dumps(GOOD), line, json.dumps({**GOOD, "sent_id": "a:002"})])
    error = error_of(load_labels, path)
    assert (error.path, error.line) == (str(path), 2)
    assert message in error.message


def test_not_utf8_file_is_reported(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b'\n{"speaker": "\xff"}\n')
    assert "not UTF-8" in str(error_of(lambda: list(iter_jsonl(path))))


def test_write_labels_keeps_sentence_order_and_reads_back(tmp_path):
    path = tmp_path / "gold.jsonl"
    labels = [validate_label({**GOOD, "sent_id": sid}) for sid in ("a:002", "a:000", "a:001")]
    assert write_labels(path, labels, order=["a:000", "a:001", "a:002"]) == 3
    assert list(load_labels(path)) == ["a:000", "a:001", "a:002"]


# --- sentences and articles ---------------------------------------------------------


def test_bad_sentence_table_is_located(project):
    path = project.sentences_file
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    cases = [
        ({k: v for k, v in first.items() if k != "text"}, "text", "missing field"),
        ({**first, "start": "0"}, "start", "expected an integer"),
        ({**first, "index": True}, "index", "expected an integer"),
        ({**first, "text": None}, "text", "expected a non-empty string"),
        (json.loads(lines[1]) | {"sent_id": first["sent_id"]}, "sent_id", "duplicate sentence id"),
    ]
    for record, field, message in cases:
        write_lines(path, [lines[0], json.dumps(record), *lines[2:]])
        error = error_of(load_sentences, project)
        assert (error.line, error.field) == (2, field)
        assert message in str(error)


def test_bad_article_record_is_located(project):
    path = project.articles_file
    lines = path.read_text(encoding="utf-8").splitlines()
    second = json.loads(lines[1])
    cases = [
        ({**second, "id": "../etc"}, "id", "is not a slug"),
        ({**second, "id": json.loads(lines[0])["id"]}, "id", "duplicate article id"),
        ({**second, "title": ""}, "title", "missing or empty field"),
        ({**second, "origin": "web"}, "origin", "allowed: source, added"),
        ({**second, "publication": 1843}, "publication", "expected a string or null"),
    ]
    for record, field, message in cases:
        write_lines(path, [lines[0], json.dumps(record), *lines[2:]])
        error = error_of(load_articles, project)
        assert (error.line, error.field) == (2, field)
        assert message in str(error)


def test_repository_gold_labels_are_valid(repo_root):
    sentences = load_sentences(repo_root)
    gold = load_gold(repo_root, known_ids={s.sent_id for s in sentences})
    assert gold
    seed = {a.id for a in load_articles(repo_root) if a.origin == "source"}
    unlabelled = [s.sent_id for s in sentences if s.article in seed and s.sent_id not in gold]
    assert unlabelled == [], "every sentence of the seed articles has a gold label"


# --- the same errors through the CLI ------------------------------------------------


def corrupt_gold(project, line: str) -> int:
    """Replace the third gold record with ``line``; return its line number."""
    lines = project.gold_file.read_text(encoding="utf-8").splitlines()
    lines[2] = line
    write_lines(project.gold_file, lines)
    return 3


def gold_record(project, **changes) -> str:
    record = json.loads(project.gold_file.read_text(encoding="utf-8").splitlines()[2])
    record.update(changes)
    return json.dumps({k: v for k, v in record.items() if v is not None})


CLI_CASES = {
    "bad-json": (lambda p: '{"sent_id": "x", ', "bad JSON"),
    "unknown-stance": (lambda p: gold_record(p, stance="positive"), "stance: unknown stance 'positive'; allowed: pro"),
    "missing-field": (lambda p: gold_record(p, annotator=None), "annotator: missing or empty field"),
    "unknown-sentence": (lambda p: gold_record(p, sent_id="nope:000"), "label for unknown sentence 'nope:000'"),
    "author-mismatch": (lambda p: gold_record(p, speaker="author", speaker_type="person"), "speaker_type: speaker"),
    "duplicate": (
        lambda p: p.gold_file.read_text(encoding="utf-8").splitlines()[0],
        "duplicate label for",
    ),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
@pytest.mark.parametrize(
    "command",
    [
        ["labels", "stats"],
        ["corpus", "list"],
        ["corpus", "show", "dwp-offshore-it-jobs"],
        ["corpus", "split", "--check"],
    ],
)
def test_cli_reports_bad_gold_in_one_line(project, runner, case, command):
    make_line, message = CLI_CASES[case]
    number = corrupt_gold(project, make_line(project))
    result = runner.invoke(app, command)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {project.gold_file}:{number}: ")
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_error_message_shows_user_values_verbatim(project, runner):
    corrupt_gold(project, gold_record(project, stance="[pro]"))
    result = runner.invoke(app, ["labels", "stats"])
    assert result.exit_code == 1
    assert "unknown stance '[pro]'; allowed: pro, anti, neutral" in result.stderr


def test_installed_command_reports_bad_file_without_traceback(project):
    number = corrupt_gold(project, gold_record(project, stance="maybe"))
    stance = Path(sys.executable).with_name("stance")
    result = subprocess.run(
        [str(stance), "--root", str(project.path), "labels", "stats"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"error: {project.gold_file}:{number}: stance: unknown stance 'maybe'; allowed: pro, anti, neutral"
    )


# --- torn last line and the dataset ---------------------------------------------------


def test_cli_stops_at_a_bad_last_line_of_a_rewritten_file(project, runner):
    """sentences.jsonl is only rewritten whole, so a bad last line is not a torn append: FILE:LINE, exit 1."""
    lines = project.sentences_file.read_text(encoding="utf-8").splitlines()
    project.sentences_file.write_text("\n".join(lines) + '\n{"sent_id": "x:000", "arti', encoding="utf-8")
    result = runner.invoke(app, ["corpus", "list", "--json"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {project.sentences_file}:{len(lines) + 1}: bad JSON")


def test_labelled_rows_and_dataset(project):
    from stance.corpus.dataset import COLUMNS, labelled_rows, load_dataset

    rows = labelled_rows(project)
    gold = load_gold(project)
    assert len(rows) == len(gold)
    by_id = {row["sent_id"]: row for row in rows}
    first, second = by_id["dwp-offshore-it-jobs:000"], by_id["dwp-offshore-it-jobs:001"]
    assert first["context"] == "" and second["context"] == first["text"]
    assert second["stance"] == gold["dwp-offshore-it-jobs:001"].stance
    assert {row["origin"] for row in labelled_rows(project, origin="source")} == {"source"}
    only = labelled_rows(project, articles=["dwp-offshore-it-jobs"])
    assert {row["article"] for row in only} == {"dwp-offshore-it-jobs"} and only[0]["context"] == ""

    dataset = load_dataset(project, articles=["dwp-offshore-it-jobs"])
    assert dataset.column_names == list(COLUMNS)
    assert dataset.num_rows == len(only)
    assert dataset[1]["context"] == dataset[0]["text"]
    assert dataset.features["index"].dtype == "int64" and dataset.features["stance"].dtype == "string"

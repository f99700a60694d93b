"""The corpus and labels commands, end to end through the Typer app.

Every test works on a copy of the repository's data (the ``project``
fixture) or an empty root; refusals are checked to change no file at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stance.cli import app
from stance.corpus.articles import article_text, load_articles, load_sentences
from stance.corpus.gold import load_gold
from stance.io.jsonl import append_jsonl
from stance.schema import STANCES

DWP = "dwp-offshore-it-jobs"
NEW_TEXT = (
    "Council moves call centre to Manila\n\n"
    "The council will move its call centre to Manila, saving £2m a year. "
    'A union spokesperson said: "This is a betrayal. Jobs will go."\n'
)


def snapshot(root) -> dict[str, str]:
    """Every file under corpus/ and annotations/ and a hash of its bytes (lock files are not data)."""
    return {
        str(p.relative_to(root.path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in (root.corpus, root.annotations)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".lock"
    }


def invoke(runner, *args: str):
    return runner.invoke(app, list(args))


def assert_one_line_error(result, *needles: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


# --- corpus add: refusals -------------------------------------------------------


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


BAD_FILES = {
    "latin-1": ("Caf\xe9 workers fear offshoring. They protest.".encode("latin-1"), "not UTF-8"),
    "empty": (b"", "is empty"),
    "blank": (b"  \n\n \t\n", "is empty"),
    "binary": (b"PK\x03\x04\x00\x00binary zip data", "binary"),
    "utf-16": ("Staff fear offshoring.".encode("utf-16"), "binary"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_add_refuses_bad_files_and_changes_nothing(project, runner, tmp_path, case):
    data, message = BAD_FILES[case]
    path = write_bytes(tmp_path, f"{case}.txt", data)
    before = snapshot(project)
    result = invoke(runner, "corpus", "add", str(path), "--title", "Some title")
    line = assert_one_line_error(result, message)
    assert str(path) in line
    assert snapshot(project) == before


def test_add_refuses_a_folder_and_a_missing_file(project, runner, tmp_path):
    before = snapshot(project)
    assert_one_line_error(invoke(runner, "corpus", "add", str(tmp_path), "--title", "T"), "is a folder")
    assert_one_line_error(invoke(runner, "corpus", "add", str(tmp_path / "nope.txt"), "--title", "T"), "not found")
    assert snapshot(project) == before


def test_add_refuses_the_same_text_again_even_under_another_id(project, runner, tmp_path):
    raw = article_text(project, DWP)
    before = snapshot(project)
    for text in (raw, raw.replace("\n\n", "\n\n\n") + "\n"):  # whitespace changes do not make a new article
        path = write_bytes(tmp_path, "copy.txt", text.encode("utf-8"))
        result = invoke(runner, "corpus", "add", str(path), "--title", "A copy", "--id", "a-copy")
        assert_one_line_error(result, f"already in the corpus as '{DWP}'")
    assert snapshot(project) == before


def test_add_refuses_an_id_that_exists(project, runner, tmp_path):
    path = write_bytes(tmp_path, "new.txt", NEW_TEXT.encode())
    before = snapshot(project)
    assert_one_line_error(invoke(runner, "corpus", "add", str(path), "--title", "T", "--id", DWP), "already exists")
    assert snapshot(project) == before


@pytest.mark.parametrize("bad_id", ["../x", "a b", "A", "x/y", "", "-x", "x-", "a--b", "x.txt", "/tmp/x", "é"])
def test_add_refuses_ids_that_are_not_slugs(project, runner, tmp_path, bad_id):
    path = write_bytes(tmp_path, "new.txt", NEW_TEXT.encode())
    before = snapshot(project)
    result = invoke(runner, "corpus", "add", str(path), "--title", "Title", "--id", bad_id)
    assert_one_line_error(result, "is not a slug")
    assert snapshot(project) == before
    assert not (project.path / "x.txt").exists() and not Path("/tmp/x.txt").exists()


def test_add_refuses_an_overlong_id(project, runner, tmp_path):
    path = write_bytes(tmp_path, "new.txt", NEW_TEXT.encode())
    before = snapshot(project)
    result = invoke(runner, "corpus", "add", str(path), "--title", "T", "--id", "-".join(["word"] * 60))
    assert_one_line_error(result, "characters long; at most 80")
    assert snapshot(project) == before


def test_add_refuses_a_file_without_title(project, runner, tmp_path):
    path = write_bytes(tmp_path, "new.txt", NEW_TEXT.encode())
    before = snapshot(project)
    assert_one_line_error(invoke(runner, "corpus", "add", str(path)), "no title")
    assert snapshot(project) == before


# --- corpus add: success ------------------------------------------------------------


def test_add_stores_raw_text_unchanged_and_appends_unlabelled_sentences(project, runner, tmp_path):
    path = write_bytes(tmp_path, "manila.txt", NEW_TEXT.encode())
    old_sentences = project.sentences_file.read_bytes()
    old_gold = project.gold_file.read_bytes()
    result = invoke(runner, "corpus", "add", str(path), "--title", "Council moves call centre to Manila")
    assert result.exit_code == 0, result.output
    assert "added council-moves-call-centre-to-manila: 3 sentences" in result.stdout

    article_id = "council-moves-call-centre-to-manila"
    assert (project.corpus / f"{article_id}.txt").read_bytes() == NEW_TEXT.encode()
    assert project.sentences_file.read_bytes().startswith(old_sentences)  # appended, nothing rewritten
    assert project.gold_file.read_bytes() == old_gold
    added = [s for s in load_sentences(project) if s.article == article_id]
    assert [s.text for s in added] == [
        "Council moves call centre to Manila",
        "The council will move its call centre to Manila, saving £2m a year.",
        'A union spokesperson said: "This is a betrayal. Jobs will go."',
    ]
    meta = next(a for a in load_articles(project) if a.id == article_id)
    assert (meta.origin, meta.source_file, meta.publication) == ("added", "manila.txt", None)

    listing = json.loads(invoke(runner, "corpus", "list", "--json").stdout)
    row = next(r for r in listing if r["id"] == article_id)
    assert (row["sentences"], row["labelled"]) == (3, 0)
    shown = json.loads(invoke(runner, "corpus", "show", article_id, "--json").stdout)
    assert [r["stance"] for r in shown] == [None, None, None]
    assert invoke(runner, "corpus", "split", "--check").exit_code == 0


def test_add_reads_a_header_and_keeps_crlf_offsets(empty_project, runner, tmp_path):
    raw = "source: https://example.com/story\r\ntitle: Bank moves jobs\r\n\r\n"
    raw += "The bank moved jobs.\r\nStaff protested.\r\n"
    path = write_bytes(tmp_path, "bank.txt", raw.encode())
    result = invoke(runner, "corpus", "add", str(path), "--id", "bank")
    assert result.exit_code == 0, result.output
    assert article_text(empty_project, "bank") == raw
    sentences = load_sentences(empty_project)
    assert [raw[s.start : s.end] for s in sentences] == [s.text for s in sentences]
    assert [" ".join(s.text.split()) for s in sentences] == ["The bank moved jobs.", "Staff protested."]
    meta = load_articles(empty_project)[0]
    assert (meta.title, meta.source) == ("Bank moves jobs", "https://example.com/story")
    check = invoke(runner, "corpus", "split", "--check")
    assert check.exit_code == 0, check.output


# --- corpus split ---------------------------------------------------------------------


def test_split_is_deterministic_and_rewrites_the_same_table(project, runner):
    before = project.sentences_file.read_bytes()
    for _ in range(2):
        result = invoke(runner, "corpus", "split")
        assert result.exit_code == 0, result.output
        assert ", 0 changed" in result.stdout
        assert project.sentences_file.read_bytes() == before


def shift_dwp(project) -> None:
    """Insert a sentence early in the DWP article: every later sentence id now names other text."""
    path = project.corpus / f"{DWP}.txt"
    raw = article_text(project, DWP)
    anchor = "Thousands of back-office government jobs"
    path.write_text(raw.replace(anchor, "An inserted sentence. " + anchor), encoding="utf-8")


def test_split_reports_stale_labels_and_writes_nothing(project, runner):
    shift_dwp(project)
    before = snapshot(project)
    result = invoke(runner, "corpus", "split")
    assert result.exit_code == 1
    assert "label(s) would go stale; nothing written" in result.stderr
    assert f"stale label {DWP}:002" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_split_check_reports_a_changed_table(project, runner):
    shift_dwp(project)
    before = snapshot(project)
    result = invoke(runner, "corpus", "split", "--check")
    assert result.exit_code == 1
    *stale, error = result.stderr.strip().splitlines()
    assert error.startswith(f"error: {project.sentences_file}: 12 sentence(s) differ from the splitter's output")
    assert all(line.startswith(f"stale label {DWP}:") for line in stale) and len(stale) == 11
    assert snapshot(project) == before


def test_split_force_moves_stale_gold_labels_and_never_reattaches_one(project, runner):
    shutil.rmtree(project.annotators, ignore_errors=True)  # annotator labels would (rightly) block --force
    old_text = {s.sent_id: s.text for s in load_sentences(project)}
    old_gold = load_gold(project)
    stale_file = project.annotations / "stale.jsonl"
    earlier = stale_file.read_text().splitlines() if stale_file.exists() else []  # labels moved by past re-splits
    shift_dwp(project)
    result = invoke(runner, "corpus", "split", "--force")
    assert result.exit_code == 0, result.output

    new_text = {s.sent_id: s.text for s in load_sentences(project)}
    new_gold = load_gold(project, known_ids=set(new_text))
    for sid, label in new_gold.items():
        assert new_text[sid] == old_text[sid], f"{sid}: label kept but its sentence changed"
        assert label == old_gold[sid]
    lines = stale_file.read_text().splitlines()
    assert lines[: len(earlier)] == earlier, "earlier stale labels are kept, in order"
    stale = [json.loads(line) for line in lines[len(earlier) :]]
    moved = {r["sent_id"] for r in stale}
    assert moved == set(old_gold) - set(new_gold)
    assert {f"{DWP}:{i:03d}" for i in range(2, 13)} <= moved
    for record in stale:
        assert record["old_text"] == old_text[record["sent_id"]]
        assert record["stance"] == old_gold[record["sent_id"]].stance  # the label itself is kept whole
    assert f"{len(moved)} stale gold label(s) moved" in result.stdout
    assert invoke(runner, "corpus", "split", "--check").exit_code == 0


def test_split_force_refuses_when_annotator_labels_would_go_stale(project, runner):
    append_jsonl(
        project.annotators / "ann.jsonl",
        [
            {
                "type": "label",
                "sent_id": f"{DWP}:005",
                "speaker": "DWP",
                "speaker_type": "organisation",
                "stance": "neutral",
                "annotator": "ann",
            }
        ],
    )
    shift_dwp(project)
    before = snapshot(project)
    result = invoke(runner, "corpus", "split", "--force")
    assert result.exit_code == 1
    assert "annotator histories (ann)" in result.stderr
    assert snapshot(project) == before


# --- list, show, stats, roots ----------------------------------------------------------


def test_help_lists_the_commands(runner):
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    for command in ("corpus", "labels"):
        assert command in result.stdout
    corpus_help = invoke(runner, "corpus", "--help").stdout
    for command in ("list", "show", "add", "split"):
        assert command in corpus_help


def test_corpus_list_table_and_json_agree(project, runner):
    rows = json.loads(invoke(runner, "corpus", "list", "--json").stdout)
    articles = load_articles(project)
    assert [r["id"] for r in rows] == [a.id for a in articles]
    sentences = load_sentences(project)
    gold = load_gold(project)
    for row in rows:
        own = [s.sent_id for s in sentences if s.article == row["id"]]
        assert row["sentences"] == len(own)
        assert row["labelled"] == sum(sid in gold for sid in own) == sum(row[s] for s in STANCES)
    seed = [r for r in rows if r["origin"] == "source"]
    assert len(seed) == 4 and all(r["labelled"] == r["sentences"] > 0 for r in seed)
    assert [r["collection"] for r in rows] == [a.collection or "user" for a in articles]
    assert {r["collection"] for r in seed} == {"seed"}

    table = invoke(runner, "corpus", "list")
    assert table.exit_code == 0
    total = sum(r["sentences"] for r in rows)
    assert any(line.split()[:1] == ["total"] and str(total) in line for line in table.stdout.splitlines())
    for row in rows:
        assert row["id"] in table.stdout


def test_corpus_list_fits_80_columns_with_whole_ids(project, runner):
    result = runner.invoke(app, ["corpus", "list"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(line for line in lines if len(line) > 80)
    ids = [a.id for a in load_articles(project)]
    whole = {line.split()[0] for line in lines if line.strip()}
    assert set(ids) <= whole, "an id was wrapped or cut"
    assert any(line.rstrip().endswith("…") for line in lines), "long titles are cut with an ellipsis"


def test_corpus_show_json_has_exactly_the_agreed_fields(project, runner):
    result = invoke(runner, "corpus", "show", DWP, "--json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    fields = {"id", "article", "index", "paragraph", "text", "speaker", "speaker_type", "stance"}
    assert all(set(r) == fields for r in records)
    sentences = [s for s in load_sentences(project) if s.article == DWP]
    gold = load_gold(project)
    assert [r["id"] for r in records] == [s.sent_id for s in sentences]
    assert [r["text"] for r in records] == [s.text for s in sentences]
    assert [r["stance"] for r in records] == [gold[s.sent_id].stance for s in sentences]
    assert [r["index"] for r in records] == list(range(len(records)))


def test_corpus_show_colours_each_stance_and_keeps_brackets(project):
    stance = Path(sys.executable).with_name("stance")
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "200", "STANCE_ROOT": str(project.path)}
    out = subprocess.run(
        [str(stance), "corpus", "show", "hp-dwp-staff-strike-india"], capture_output=True, text=True, env=env
    ).stdout
    codes = {"pro": "32", "anti": "31", "neutral": "90"}  # green, red, grey
    for name, code in codes.items():
        assert re.search(rf"\x1b\[{code}m{name} *\x1b\[0m", out), f"{name} is not coloured {code!r}"
    assert "final client [DWP] approval" in out, "text in brackets must not be taken for markup"


def test_unknown_article_lists_the_available_ones(project, runner):
    line = assert_one_line_error(invoke(runner, "corpus", "show", "no-such-article"), "Can't find article")
    assert DWP in line


def test_labels_stats_counts_match_the_gold_file(project, runner):
    result = invoke(runner, "labels", "stats", "--json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    gold = load_gold(project)
    assert stats["total"] == len(gold)
    for stance in STANCES:
        assert stats["by_stance"][stance] == sum(label.stance == stance for label in gold.values())
    assert sum(v["total"] for v in stats["by_speaker"].values()) == len(gold)
    assert sum(v["total"] for v in stats["by_speaker_type"].values()) == len(gold)
    assert sum(v["total"] for v in stats["by_article"].values()) == len(gold)
    assert stats["by_speaker"]["author"]["total"] == sum(label.speaker == "author" for label in gold.values())
    table = invoke(runner, "labels", "stats")
    assert table.exit_code == 0 and f"{len(gold)} labelled sentences" in table.stdout


def test_labels_stats_prints_speaker_names_verbatim(project, runner):
    lines = project.gold_file.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0]) | {"speaker": "[bold]the board[/]", "speaker_type": "organisation"}
    project.gold_file.write_text("\n".join([json.dumps(record), *lines[1:]]) + "\n", encoding="utf-8")
    result = invoke(runner, "labels", "stats")
    assert result.exit_code == 0, result.output
    assert "[bold]the board[/]" in result.stdout


def test_root_option_and_environment_point_at_another_root(project, runner, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere"
    (other / "corpus").mkdir(parents=True)
    (other / "annotations").mkdir()
    path = write_bytes(tmp_path, "own.txt", NEW_TEXT.encode())

    monkeypatch.delenv("STANCE_ROOT")
    monkeypatch.chdir(tmp_path / "incoming")  # below the project root: --root must win over the search
    added = invoke(runner, "--root", str(other), "corpus", "add", str(path), "--title", "Own", "--id", "own")
    assert added.exit_code == 0, added.output
    assert [a.id for a in load_articles(type(project)(other))] == ["own"]
    assert "own" not in {a.id for a in load_articles(project)}

    monkeypatch.setenv("STANCE_ROOT", str(other))
    rows = json.loads(invoke(runner, "corpus", "list", "--json").stdout)
    assert [r["id"] for r in rows] == ["own"]
    rows = json.loads(invoke(runner, "--root", str(project.path), "corpus", "list", "--json").stdout)
    assert "own" not in [r["id"] for r in rows] and DWP in [r["id"] for r in rows]


def test_root_is_found_from_a_subfolder(project, runner, monkeypatch):
    monkeypatch.delenv("STANCE_ROOT")
    sub = project.path / "some" / "folder"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    rows = json.loads(invoke(runner, "corpus", "list", "--json").stdout)
    assert DWP in [r["id"] for r in rows]


def test_empty_root_lists_nothing(empty_project, runner):
    assert json.loads(invoke(runner, "corpus", "list", "--json").stdout) == []
    assert json.loads(invoke(runner, "labels", "stats", "--json").stdout)["total"] == 0
    assert os.listdir(empty_project.corpus) == []


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_root_that_does_not_exist_is_an_error(project, runner, tmp_path, monkeypatch, how):
    missing = tmp_path / "no-such-root"
    if how == "option":
        result = invoke(runner, "--root", str(missing), "corpus", "list")
    else:
        monkeypatch.setenv("STANCE_ROOT", str(missing))
        result = invoke(runner, "corpus", "list")
    assert_one_line_error(result, "--root / STANCE_ROOT", f"'{missing}' is not an existing folder")
    assert not missing.exists()


def test_files_saved_with_a_bom_or_crlf_by_an_editor_still_load(project, runner):
    text = project.gold_file.read_text(encoding="utf-8")
    project.gold_file.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = invoke(runner, "labels", "stats", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"] == len(text.splitlines())


def test_read_only_corpus_is_one_line_error(project, runner, tmp_path, monkeypatch):
    """A folder we may not write to (simulated: CI runs as root, which ignores modes)."""
    import stance.io.jsonl

    path = write_bytes(tmp_path, "new.txt", NEW_TEXT.encode())
    before = snapshot(project)

    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(dir))

    monkeypatch.setattr(stance.io.jsonl.tempfile, "mkstemp", refuse)
    result = invoke(runner, "corpus", "add", str(path), "--title", "T", "--id", "t")
    assert_one_line_error(result, "Permission denied")
    assert snapshot(project) == before


def test_a_file_where_the_corpus_folder_should_be_is_one_line_error(empty_project, runner, tmp_path):
    path = write_bytes(tmp_path, "new.txt", NEW_TEXT.encode())
    empty_project.corpus.rmdir()
    empty_project.corpus.write_text("not a folder")
    result = invoke(runner, "corpus", "add", str(path), "--title", "T", "--id", "t")
    assert_one_line_error(result, str(empty_project.corpus))
    assert empty_project.corpus.read_text() == "not a folder"


def test_add_interrupted_before_its_registration_is_named_and_repaired(project, runner, tmp_path, monkeypatch):
    """A crash after the sentences, before the article record: commands name it, split or a retry repairs it."""
    import stance.corpus.articles

    path = write_bytes(tmp_path, "manila.txt", NEW_TEXT.encode())
    real_write = stance.corpus.articles.write_jsonl

    def crash_on_articles(target, records):
        if Path(target) == project.articles_file:
            raise KeyboardInterrupt  # stands in for the process dying here
        return real_write(target, records)

    monkeypatch.setattr(stance.corpus.articles, "write_jsonl", crash_on_articles)
    with pytest.raises(KeyboardInterrupt):
        stance.corpus.articles.add_article(project, path, title="Manila", article_id="manila")
    monkeypatch.setattr(stance.corpus.articles, "write_jsonl", real_write)

    gold_before = project.gold_file.read_bytes()
    assert_one_line_error(invoke(runner, "corpus", "list"), "'manila', which articles.jsonl does not register")
    assert invoke(runner, "corpus", "split").exit_code == 0
    assert [s for s in load_sentences(project) if s.article == "manila"] == []
    assert project.gold_file.read_bytes() == gold_before
    assert invoke(runner, "corpus", "add", str(path), "--title", "Manila", "--no-suggest").exit_code == 0
    assert [s.index for s in load_sentences(project) if s.article == "manila"] == [0, 1, 2]


def test_add_decodes_html_character_references(project, runner, tmp_path):
    """Text copied from a page's source: &quot; must read as a quotation mark, "R&D" stays as written."""
    text = (
        "Marlow Insurance moves R&amp;D work to Krakow\n\n"
        "&quot;Our R&D costs must fall,&quot; said Lena Vosk, its finance director. &#8220;It is that simple.&#8221;"
    )
    path = write_bytes(tmp_path, "page.txt", text.encode())
    result = invoke(runner, "corpus", "add", str(path), "--title", "Marlow moves work", "--id", "marlow")
    assert result.exit_code == 0, result.output
    stored = article_text(project, "marlow")
    assert "&quot;" not in stored and "&#8220;" not in stored
    assert stored.startswith("Marlow Insurance moves R&D work")
    texts = [s.text for s in load_sentences(project) if s.article == "marlow"]
    assert texts[1] == '"Our R&D costs must fall," said Lena Vosk, its finance director.'
    assert texts[2] == "\u201cIt is that simple.\u201d"

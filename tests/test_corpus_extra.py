"""Reading the ``source:``/``title:`` header, and keeping the corpus's origin visible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.cli import app
from stance.corpus.articles import add_article, load_articles, load_sentences, split_title_note
from stance.corpus.gold import load_gold
from stance.errors import StanceError

BODY = (
    "Capita has confirmed that 400 British jobs within its IT division are under threat.\n\n"
    "The firm said that some of the jobs are to be moved overseas to India."
)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Capita confirms 400 IT jobs at risk [from URL]", ("Capita confirms 400 IT jobs at risk", "from URL")),
        (
            "RBS chief says offshoring did not cause outage [descriptive]",
            ("RBS chief says offshoring did not cause outage", "descriptive"),
        ),
        ("Bank to move call centre to India", ("Bank to move call centre to India", None)),
        ("Odd title [my note]", ("Odd title", "my note")),
        ("[only a marker]", ("[only a marker]", None)),
    ],
)
def test_split_title_note(title, expected):
    clean, note = split_title_note(title)
    assert clean == expected[0]
    assert (note is None) == (expected[1] is None)
    if note is not None:
        assert note.startswith(expected[1])


def test_add_reads_source_and_title_header(empty_project, tmp_path):
    path = _write(
        tmp_path,
        "capita.txt",
        "source: https://silicon.co.uk/capita-400\ntitle: Capita confirms 400 IT jobs at risk [from URL]\n\n" + BODY,
    )
    article, sentences = add_article(empty_project, path, article_id="capita")
    assert article.title == "Capita confirms 400 IT jobs at risk"
    assert article.title_note.startswith("from URL")
    assert article.source == "https://silicon.co.uk/capita-400"
    assert article.origin == "added"
    # the header is metadata, not text: no sentence contains it, offsets point into the raw text
    raw = (empty_project.corpus / "capita.txt").read_text(encoding="utf-8")
    assert raw.startswith("source: ")  # raw text stored unchanged
    assert [s.text for s in sentences] == [
        "Capita has confirmed that 400 British jobs within its IT division are under threat.",
        "The firm said that some of the jobs are to be moved overseas to India.",
    ]
    assert all(raw[s.start : s.end] == s.text for s in sentences)
    assert load_articles(empty_project)[0].title_note == article.title_note


def test_explicit_title_wins_over_header(empty_project, tmp_path):
    path = _write(tmp_path, "a.txt", "title: From the header\n\n" + BODY)
    article, _ = add_article(empty_project, path, title="Given title", article_id="a")
    assert article.title == "Given title"
    assert article.title_note is None


def test_file_without_header_or_title_is_refused(empty_project, tmp_path):
    path = _write(tmp_path, "a.txt", BODY)
    with pytest.raises(StanceError, match="no title"):
        add_article(empty_project, path)
    assert load_articles(empty_project) == []


def test_cli_add_with_header_and_origin(empty_project, tmp_path, runner):
    path = _write(
        tmp_path, "npower.txt", "source: https://example.org/npower\ntitle: Npower to outsource work\n\n" + BODY
    )
    result = runner.invoke(app, ["corpus", "add", str(path), "--origin", "source", "--date", "2013-11-28"])
    assert result.exit_code == 0, result.output
    (article,) = load_articles(empty_project)
    assert (article.id, article.origin, article.date) == ("npower-to-outsource-work", "source", "2013-11-28")
    assert len(load_sentences(empty_project)) == 2


def test_cli_add_unknown_origin_is_one_line_error(empty_project, tmp_path, runner):
    path = _write(tmp_path, "a.txt", "title: T\n\n" + BODY)
    result = runner.invoke(app, ["corpus", "add", str(path), "--origin", "seed"])
    assert result.exit_code != 0
    assert "unknown origin 'seed'" in result.output
    assert "Traceback" not in result.output
    assert load_articles(empty_project) == []


def _add_labelled(project, tmp_path, stance="pro"):
    """Add one article of origin 'added' and label its sentences."""
    path = _write(tmp_path, "extra.txt", "title: Extra article\n\n" + BODY)
    _, sentences = add_article(project, path, article_id="extra-article")
    with project.gold_file.open("a", encoding="utf-8") as handle:
        for s in sentences:
            record = {"sent_id": s.sent_id, "speaker": "Capita", "speaker_type": "organisation"}
            handle.write(json.dumps({**record, "stance": stance, "annotator": "test"}) + "\n")
    return sentences


def test_corpus_list_shows_origin(project, tmp_path, runner):
    _add_labelled(project, tmp_path)
    result = runner.invoke(app, ["corpus", "list", "--json"])
    assert result.exit_code == 0, result.output
    origins = {row["id"]: row["origin"] for row in json.loads(result.output)}
    assert origins["extra-article"] == "added"
    assert origins["hp-dwp-staff-strike-india"] == "source"
    table = runner.invoke(app, ["corpus", "list"], terminal_width=250)
    assert "origin" in table.output
    assert "added" in table.output and "source" in table.output


def test_labels_stats_origin_filter(project, tmp_path, runner):
    sentences = _add_labelled(project, tmp_path, stance="pro")
    source_ids = {a.id for a in load_articles(project) if a.origin == "source"}
    gold = load_gold(project)
    n_source = sum(1 for sid in gold if sid.split(":")[0] in source_ids)

    def stats(*args):
        result = runner.invoke(app, ["labels", "stats", "--json", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    everything, source, added = stats(), stats("--origin", "source"), stats("--origin", "added")
    assert stats("--origin", "all") == everything
    assert source["total"] == n_source
    assert set(source["by_article"]) == source_ids
    added_ids = {a.id for a in load_articles(project) if a.origin == "added"}
    assert set(added["by_article"]) <= added_ids
    assert added["by_article"]["extra-article"] == {
        "total": len(sentences),
        "pro": len(sentences),
        "anti": 0,
        "neutral": 0,
    }
    assert everything["total"] == source["total"] + added["total"]
    for stance in ("pro", "anti", "neutral"):
        assert everything["by_stance"][stance] == source["by_stance"][stance] + added["by_stance"][stance]


def test_labels_stats_unknown_origin(project, runner):
    result = runner.invoke(app, ["labels", "stats", "--origin", "seed"])
    assert result.exit_code != 0
    assert "unknown origin 'seed'" in result.output
    assert "allowed: source, added, all" in result.output


def test_repository_corpus_keeps_origin_and_labels_every_added_sentence(repo_root):
    """The committed corpus: four source articles, the added ones all labelled, raw texts unchanged."""
    articles = load_articles(repo_root)
    assert sum(a.origin == "source" for a in articles) == 4
    added = [a for a in articles if a.origin == "added"]
    assert added, "the corpus-extra articles are missing"
    sentences = load_sentences(repo_root)
    gold = load_gold(repo_root, known_ids={s.sent_id for s in sentences})
    ids = {a.id for a in added}
    unlabelled = [s.sent_id for s in sentences if s.article in ids and s.sent_id not in gold]
    assert unlabelled == []
    assert all(not a.title.endswith("]") for a in added)
    assert {a.collection for a in added} == {"corpus-extra", "corpus-more"}
    assert sum(a.collection == "corpus-more" for a in added) == 56
    shared = Path(__file__).resolve().parents[2] / "shared"
    if not shared.is_dir():
        pytest.skip("../shared not available")
    for article in added:
        source = shared / article.collection / article.source_file
        assert (repo_root.corpus / f"{article.id}.txt").read_bytes() == source.read_bytes()

"""Who stands where: per speaker, how many sentences and what stance.

The rows come from gold labels (:func:`gold_rows`) or from a saved model's
predictions (:func:`predicted_rows`); :func:`actor_table` is a pure
aggregation over them, and the ``write_*`` functions turn the table into a
CSV, a stacked-bar PNG and an actor -> "offshoring" edge list (CSV and
GraphML) that discourse-network tools (e.g. visone, Gephi, DNA exports) can
open. With predictions, a row whose sentence also has a gold label keeps the
gold stance next to the predicted one, so disagreements can be counted per
speaker.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

from stance.corpus.dataset import labelled_rows
from stance.errors import StanceError
from stance.io.jsonl import atomic_write_text
from stance.paths import Root
from stance.schema import AUTHOR, STANCES

CONCEPT = "offshoring"
TABLE_COLUMNS = (
    "speaker",
    "speaker_type",
    "sentences",
    *STANCES,
    *(f"share_{s}" for s in STANCES),
    "gold_compared",
    "disagreements",
    "articles",
)


def gold_rows(root: Root) -> list[dict[str, Any]]:
    """Every gold-labelled sentence: speaker, speaker type, stance, article."""
    rows = labelled_rows(root)
    if not rows:
        raise StanceError("no gold labels yet", path=root.gold_file)
    return [{**row, "gold_stance": None} for row in rows]


def predicted_rows(root: Root, model_dir: str | Path) -> list[dict[str, Any]]:
    """Every corpus sentence with the model's stance.

    The speaker is the gold one where a sentence is labelled and the speaker
    finder's elsewhere (the same speaker the model sees at prediction time);
    ``gold_stance`` holds the gold stance where it exists.
    """
    from stance.corpus.articles import load_sentences
    from stance.models.registry import load_model
    from stance.speakers import find_speakers

    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise StanceError("not a model run folder (expected --source gold or a run directory)", path=model_dir)
    model = load_model(model_dir)
    rows = labelled_rows(root, include_unlabelled=True)
    if not rows:
        raise StanceError("the corpus has no sentences", path=root.sentences_file)
    found: dict[str, Any] = {}
    sentences = load_sentences(root)
    for _, group in groupby(sentences, key=lambda s: s.article):
        items = list(group)
        for sentence, attribution in zip(items, find_speakers(items), strict=True):
            found[sentence.sent_id] = attribution
    out = []
    for row in rows:
        gold_stance = row["stance"]
        if row["speaker"] is None:
            attribution = found[row["sent_id"]]
            row = {**row, "speaker": attribution.speaker, "speaker_type": attribution.speaker_type}
        out.append({**row, "gold_stance": gold_stance})
    predictions = model.predict(out)
    return [{**row, "stance": stance} for row, stance in zip(out, predictions, strict=True)]


def actor_table(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per speaker, most sentences first.

    ``share_<stance>`` = count / sentences. ``gold_compared`` counts the
    speaker's sentences that also have a gold stance, ``disagreements`` those
    whose stance differs from it (both 0 on gold rows).
    """
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["speaker"]].append(row)
    table = []
    for speaker, items in groups.items():
        counts = Counter(r["stance"] for r in items)
        types = Counter(r["speaker_type"] for r in items)
        n = len(items)
        compared = [r for r in items if r.get("gold_stance") is not None]
        table.append(
            {
                "speaker": speaker,
                "speaker_type": types.most_common(1)[0][0],
                "sentences": n,
                **{s: counts.get(s, 0) for s in STANCES},
                **{f"share_{s}": counts.get(s, 0) / n for s in STANCES},
                "gold_compared": len(compared),
                "disagreements": sum(r["stance"] != r["gold_stance"] for r in compared),
                "articles": sorted({r["article"] for r in items}),
            }
        )
    # the exact name last: "UNIFI" and "Unifi" with equal counts always come in the same order
    return sorted(table, key=lambda r: (-r["sentences"], r["speaker"].casefold(), r["speaker"]))


def edges(table: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Actor -> concept edges, one per speaker and stance that occurs, weighted by sentences."""
    return [
        {"source": r["speaker"], "target": CONCEPT, "stance": s, "weight": r[s], "speaker_type": r["speaker_type"]}
        for r in table
        for s in STANCES
        if r[s]
    ]


def _csv_text(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    import io

    from stance.models.predict import neutralise

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = dict(record)
        if isinstance(row.get("articles"), list):
            row["articles"] = ";".join(row["articles"])
        for key, value in row.items():
            if isinstance(value, float):
                row[key] = f"{value:.4f}"
        writer.writerow({c: neutralise(row.get(c)) for c in columns})  # speaker names are text from articles
    return buffer.getvalue()


def write_table_csv(table: Sequence[dict[str, Any]], path: Path) -> Path:
    atomic_write_text(path, _csv_text(table, TABLE_COLUMNS))
    return path


def write_edges(table: Sequence[dict[str, Any]], csv_path: Path, graphml_path: Path) -> tuple[Path, Path]:
    """The edge list as CSV and as GraphML (a multigraph: one edge per actor and stance)."""
    import networkx as nx

    rows = edges(table)
    atomic_write_text(csv_path, _csv_text(rows, ("source", "target", "stance", "weight", "speaker_type")))
    graph = nx.MultiDiGraph()
    graph.add_node(CONCEPT, kind="concept", speaker_type="")
    for record in table:
        graph.add_node(
            record["speaker"], kind="actor", speaker_type=record["speaker_type"], sentences=record["sentences"]
        )
    for row in rows:
        graph.add_edge(row["source"], row["target"], key=row["stance"], stance=row["stance"], weight=row["weight"])
    graphml_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = graphml_path.with_suffix(".graphml.tmp")
    nx.write_graphml(graph, tmp)
    tmp.replace(graphml_path)
    return csv_path, graphml_path


def chart_selection(table: Sequence[dict[str, Any]], *, top: int) -> dict[str, Any]:
    """The speakers the chart draws: the ``top`` quoted speakers, ``author`` left out.

    ``author`` is the journalist's narration: it holds no stance of its own
    and, with a third of the sentences, it would squeeze every quoted actor
    into the left edge of a count axis.
    """
    quoted = [r for r in table if r["speaker_type"] != AUTHOR]
    author = next((r for r in table if r["speaker_type"] == AUTHOR), None)
    return {
        "shown": quoted[:top],
        "quoted": len(quoted),
        "author_sentences": author["sentences"] if author else 0,
    }


def chart_note(selection: dict[str, Any]) -> str:
    """What the chart shows and what it leaves out, in one line."""
    shown, quoted = len(selection["shown"]), selection["quoted"]
    note = f"top {shown} of {quoted} quoted speakers" if shown < quoted else f"all {quoted} quoted speakers"
    if selection["author_sentences"]:
        note += f"; author ({selection['author_sentences']} sentences of narration) not charted"
    return note


def write_chart(table: Sequence[dict[str, Any]], path: Path, *, title: str, top: int = 25) -> Path:
    """Stacked pro / anti / neutral bars per quoted speaker: counts on the left, shares on the right."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    selection = chart_selection(table, top=top)
    shown = list(selection["shown"])[::-1]
    colours = {"pro": "#2a9d55", "anti": "#d1495b", "neutral": "#9aa0a6"}
    fig, (counts_ax, shares_ax) = plt.subplots(
        1, 2, sharey=True, figsize=(10, 0.32 * max(len(shown), 3) + 1.8), layout="constrained"
    )
    names = [r["speaker"] for r in shown]
    left = [0.0] * len(shown)
    share_left = [0.0] * len(shown)
    for stance in STANCES:
        values = [r[stance] for r in shown]
        shares = [r[f"share_{stance}"] for r in shown]
        counts_ax.barh(names, values, left=left, color=colours[stance], label=stance)
        shares_ax.barh(names, shares, left=share_left, color=colours[stance])
        left = [a + b for a, b in zip(left, values, strict=True)]
        share_left = [a + b for a, b in zip(share_left, shares, strict=True)]
    counts_ax.set_xlabel("sentences")
    shares_ax.set_xlabel("share of the speaker's sentences")
    shares_ax.set_xlim(0, 1)
    shares_ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    counts_ax.legend(loc="lower right")
    fig.suptitle(f"{title}\n{chart_note(selection)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    tmp.replace(path)
    return path


def actors_report(
    root: Root, *, source: str = "gold", out_dir: Path | None = None, include_author: bool = True, top: int = 25
) -> dict[str, Any]:
    """Build the actor table from gold or a model run and write its files; return table and paths.

    ``include_author=False`` leaves the journalist's own sentences out of the
    table and files too (the chart never draws them); ``top`` speakers are charted.
    """
    rows = gold_rows(root) if source == "gold" else predicted_rows(root, source)
    if not include_author:
        rows = [r for r in rows if r["speaker_type"] != "author"]
    table = actor_table(rows)
    out_dir = Path(out_dir) if out_dir is not None else root.reports / "actors"
    out_dir.mkdir(parents=True, exist_ok=True)
    label = "gold labels" if source == "gold" else f"predictions of {Path(source).name}"
    files = {
        "table_csv": write_table_csv(table, out_dir / "actors.csv"),
        "chart_png": write_chart(table, out_dir / "actors.png", title=f"Who stands where ({label})", top=top),
    }
    files["edges_csv"], files["edges_graphml"] = write_edges(table, out_dir / "edges.csv", out_dir / "edges.graphml")
    compared = sum(r["gold_compared"] for r in table)
    selection = chart_selection(table, top=top)
    return {
        "source": source,
        "sentences": len(rows),
        "speakers": len(table),
        "chart": {"shown": len(selection["shown"]), "of": selection["quoted"], "note": chart_note(selection)},
        "table": table,
        "gold_compared": compared,
        "disagreements": sum(r["disagreements"] for r in table),
        "files": {k: str(v) for k, v in files.items()},
    }

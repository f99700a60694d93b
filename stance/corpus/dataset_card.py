"""The dataset card (README.md) of an exported corpus: YAML header for the Hub, prose for people.

A dataset that leaves the project without saying what its labels mean, where
its texts come from and who may reuse them gets misused; the card says all
three, and its counts are computed from the rows written beside it.
"""

from __future__ import annotations

from typing import Any

from stance.schema import SPEAKER_TYPES, STANCES

GUIDELINE = "annotations/GUIDELINES.md"

FIELD_DOCS: dict[str, str] = {
    "sent_id": "stable sentence id, `<article>:<index>`",
    "article": "article id (a slug); every sentence of an article is in the same split and fold",
    "collection": "the batch the article came with: `seed`, `corpus-extra`, `corpus-more` or a user's own",
    "index": "position of the sentence in its article (0-based)",
    "paragraph": "paragraph number of the sentence in its article (0-based)",
    "text": "the sentence, as split from the raw article text",
    "context": "the previous sentence of the same article (empty for the first): speakers often carry over",
    "speaker": "who holds the position: the quoted person or organisation, or `author` for narration",
    "speaker_type": f"one of {', '.join(f'`{t}`' for t in SPEAKER_TYPES)}",
    "stance": "ClassLabel " + ", ".join(f"{i} `{s}`" for i, s in enumerate(STANCES)) + ": the speaker's stance",
    "title": "the article's title",
    "publication": "where the article was published (null when unknown)",
    "date": "publication date as precise as known (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; null when unknown)",
    "fold": "grouped K-fold id (0..K-1) of the train split, by article, stratified by stance (null in `test`)",
}


def _yaml_features(features: Any) -> list[dict[str, Any]]:
    """Features in the Hub's ``dataset_info`` form (a ClassLabel lists its names by id)."""
    out: list[dict[str, Any]] = []
    for name, feature in features.items():
        names = getattr(feature, "names", None)
        dtype: Any = {"class_label": {"names": dict(enumerate(names))}} if names else feature.dtype
        out.append({"name": name, "dtype": dtype})
    return out


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "n>100K"


def render_header(summary: dict[str, Any], features: Any) -> str:
    """The YAML front matter: licence, task, ``configs`` (so ``load_dataset(DIR)`` reads the Parquet files)."""
    import yaml

    splits = summary["splits"]
    header = {
        "pretty_name": "stance: who says what about offshoring",
        "language": ["en"],
        "license": "other",
        "license_name": "labels-mit-texts-third-party",
        "license_details": "Labels: MIT. Sentence texts: third-party news articles, kept for research only.",
        "task_categories": ["text-classification"],
        "tags": ["stance-detection", "offshoring", "news", "speaker-attribution"],
        "size_categories": [_size_category(summary["sentences"])],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": name, "path": f"data/{name}.parquet"} for name in splits],
            }
        ],
        "dataset_info": {
            "features": _yaml_features(features),
            "splits": [
                {"name": name, "num_bytes": counts.get("bytes", 0), "num_examples": counts["sentences"]}
                for name, counts in splits.items()
            ],
        },
    }
    return "---\n" + yaml.safe_dump(header, sort_keys=False, allow_unicode=True) + "---\n"


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _splits_prose(summary: dict[str, Any]) -> str:
    spec = summary["split_spec"]
    if spec is None:
        text = (
            "One `train` split holds every labelled sentence. Split by `article` (never by sentence: sentences of "
            "one article share speakers and wording, so a model tested on an article it half saw scores too well)"
        )
    else:
        train = spec["train"] or "every other labelled article"
        test = spec["test"] or "every other labelled article"
        text = (
            f"`train` is {train}, `test` is {test}; no article has sentences in both. "
            "Cross-validate inside `train` by `article`"
        )
    if summary["folds"]:
        text += (
            f"; the `fold` column gives {summary['folds']} folds of `train` grouped by article and stratified by "
            f"stance (seed {summary['seed']})"
        )
        if spec is None:
            text += f", the same folds as `stance evaluate --cv kfold:{summary['folds']} --seed {summary['seed']}`"
    return text + ". The `collection` column lets you train on some batches and test on others."


def render_card(summary: dict[str, Any], features: Any) -> str:
    """The whole README.md of an export."""
    split_rows = [
        [f"`{name}`", c["articles"], c["sentences"], *(c["stance"][s] for s in STANCES)]
        for name, c in summary["splits"].items()
    ]
    collection_rows = []
    for name, c in summary["collections"].items():
        dates = f"{c['dates'][0]} to {c['dates'][1]}" if c["dates"] else "unknown"
        publications = "; ".join(f"{pub} ({n})" if n > 1 else pub for pub, n in c["publications"].items())
        collection_rows.append(
            [f"`{name}`", c["articles"], c["sentences"], *(c["stance"][s] for s in STANCES), dates, publications]
        )
    field_rows = [[f"`{name}`", FIELD_DOCS.get(name, "")] for name in features]
    parts = [
        render_header(summary, features),
        "# stance: who says what about offshoring\n",
        f"{summary['sentences']} sentences from {summary['articles']} English news articles about offshoring "
        "(moving work abroad, including outsourcing that may move it abroad, and reshoring), each labelled with "
        "its speaker and the speaker's stance toward offshoring. Exported by `stance export dataset` from the "
        "`stance` project.\n",
        "## Loading\n",
        "```python\nimport datasets\n"
        'ds = datasets.load_from_disk("DIR")\n'
        'ds = datasets.load_dataset("parquet", data_files={'
        + ", ".join(f'"{name}": "DIR/data/{name}.parquet"' for name in summary["splits"])
        + "})\n"
        'ds = datasets.load_dataset("DIR")  # through the configs in this card\n'
        "```\n",
        "## Label scheme\n",
        "Every sentence has a **speaker** (the quoted person or organisation whose position it is, or `author` "
        "for the journalist's own narration), a **speaker_type** (`person`, `organisation`, `author`) and a "
        "**stance** toward offshoring, the position of that speaker:\n",
        "- `pro`: endorses, defends, justifies or reassures about offshoring;\n"
        "- `anti`: opposes, criticises, warns against it, demands assurances, or commits not to offshore;\n"
        "- `neutral`: no position (facts, background, procedure, a plain denial that plans exist).\n",
        'A narrated position with an identifiable holder ("X criticised the move") is that holder\'s view. '
        f"The full guideline, with worked examples and decided hard cases, is `{GUIDELINE}` in the `stance` "
        "repository.\n",
        "## Fields\n",
        _table(["field", "meaning"], field_rows) + "\n",
        "## Splits\n",
        _splits_prose(summary) + "\n",
        _table(["split", "articles", "sentences", *STANCES], split_rows) + "\n",
        "## Provenance\n",
        "Articles came in batches (`collection`): `seed` are the project's first four articles, `corpus-extra` "
        "and `corpus-more` were collected later from public news sites (publication and date from their "
        "SOURCES.md), `user` (or another slug) are articles a user added. Counts of labelled articles and "
        "sentences, with publications (number of articles) and the range of known dates:\n",
        _table(["collection", "articles", "sentences", *STANCES, "dates", "publications"], collection_rows) + "\n",
        "## Licence\n",
        "The sentence texts (`text`, `context`, `title`) are excerpts of third-party news articles, copyright "
        "their publishers. They are kept here for research on stance and attribution only: do not redistribute "
        "them as your own or use them beyond what fair dealing / fair use allows. The labels (`speaker`, "
        "`speaker_type`, `stance`) and the ids are released under the MIT licence, like the `stance` code.\n",
    ]
    return "\n".join(parts)

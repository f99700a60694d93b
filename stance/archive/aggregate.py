"""Who stands where across an archive: DuckDB over the run's Parquet shards.

The shards of a big archive do not fit in memory, and a group-by is what a
database engine is for: DuckDB queries the Parquet files in place, streaming
and in parallel, and writes the CSVs itself. The per-speaker table has the
columns of ``stance actors`` (sentences, pro/anti/neutral counts and shares,
the most frequent speaker type, the number of articles); the breakdowns add
a ``year`` (the first four digits of the article's date, null when there is
none) or an ``outlet``. The chart and the actor -> offshoring GraphML reuse
:mod:`stance.analysis.actors` on the (small) per-speaker table.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stance.archive.shards import shard_files
from stance.errors import StanceError
from stance.schema import AUTHOR, STANCES

#: The year of a date written ``2004``, ``2004-03`` or ``2004-03-12``.
YEAR = r"TRY_CAST(regexp_extract(date, '^\s*(\d{4})', 1) AS INTEGER)"


def _counts(total: str = "sentences") -> str:
    stance_counts = ", ".join(f"count(*) FILTER (WHERE stance = '{s}') AS {s}" for s in STANCES)
    shares = ", ".join(f"round(count(*) FILTER (WHERE stance = '{s}') / count(*), 4) AS share_{s}" for s in STANCES)
    return f"count(*) AS {total}, {stance_counts}, {shares}, count(DISTINCT article) AS articles"


def _query(group: Sequence[str]) -> str:
    """Counts per speaker and ``group``; the speaker's type is its most frequent one (ties: alphabetical)."""
    keys = ", ".join(("speaker", *group))
    # the exact name after lower(): "UNIFI" and "Unifi" with equal counts always come in the same order
    order = ", ".join(("totals.total DESC", "lower(speaker)", "speaker", *(f"{g} NULLS LAST" for g in group)))
    return f"""
        WITH types AS (
            SELECT speaker, first(speaker_type ORDER BY n DESC, speaker_type) AS speaker_type
            FROM (SELECT speaker, speaker_type, count(*) AS n FROM sentences GROUP BY ALL) GROUP BY speaker
        ), totals AS (SELECT speaker, count(*) AS total FROM sentences GROUP BY speaker)
        SELECT speaker, types.speaker_type, {", ".join(group) + ", " if group else ""}{_counts()}
        FROM sentences JOIN types USING (speaker) JOIN totals USING (speaker)
        GROUP BY {keys}, types.speaker_type, totals.total
        ORDER BY {order}
    """


def _literal(text: str) -> str:
    """A SQL string literal (DDL and COPY take no bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _copy_csv(connection: Any, query: str, path: Path) -> Path:
    """DuckDB writes the CSV to a temporary name, then it is renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    connection.execute(f"COPY ({query}) TO {_literal(str(tmp))} (HEADER, DELIMITER ',')")
    os.replace(tmp, path)
    return path


def _records(connection: Any, query: str) -> list[dict[str, Any]]:
    cursor = connection.execute(query)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _count(connection: Any, query: str) -> int:
    """The one number a ``SELECT count(...)`` returns (an aggregate always gives one row)."""
    (count,) = connection.execute(query).fetchone()
    return int(count)


def write_trend_chart(by_year: Sequence[dict[str, Any]], speakers: Sequence[str], path: Path, *, title: str) -> Path:
    """One panel per top speaker: the share of its pro and anti sentences per year (dot size = sentences)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"pro": "#2a9d55", "anti": "#d1495b", "neutral": "#9aa0a6"}
    panels = max(1, len(speakers))
    cols = min(3, panels)
    rows = (panels + cols - 1) // cols
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.8 * rows + 0.6), squeeze=False, sharey=True)
    years_shown = [r["year"] for r in by_year if r["speaker"] in speakers and r["year"] is not None]
    for ax, speaker in zip(axes.flat, speakers, strict=False):
        points = [r for r in by_year if r["speaker"] == speaker and r["year"] is not None]
        for stance in ("pro", "anti"):
            years = [r["year"] for r in points]
            shares = [r[f"share_{stance}"] for r in points]
            ax.plot(years, shares, color=colours[stance], label=stance, linewidth=1)
            ax.scatter(years, shares, s=[8 + 4 * r["sentences"] ** 0.5 for r in points], color=colours[stance])
        ax.set_title(speaker if len(speaker) <= 40 else speaker[:39] + "…", fontsize=9)
        ax.set_ylim(-0.05, 1.05)
        if years_shown:  # one time axis for every panel, whole years only
            ax.set_xlim(min(years_shown) - 0.5, max(years_shown) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        if not points:
            ax.text(0.5, 0.5, "no dated articles", ha="center", va="center", transform=ax.transAxes, color="grey")
    for ax in list(axes.flat)[len(speakers) :]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", fontsize=8)  # outside the panels: hides no point
    fig.suptitle(title)
    fig.supylabel("share of the speaker's sentences")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)
    return path


def archive_actors(
    run_dir: str | Path, *, out_dir: str | Path | None = None, include_author: bool = True, top: int = 6
) -> dict[str, Any]:
    """The actor table, by-year and by-outlet breakdowns of an archive run, written to ``out_dir``.

    ``out_dir`` defaults to ``RUN_DIR/actors``. ``top`` speakers get a panel
    in ``trend.png``. Returns the per-speaker table and the written paths.
    """
    import duckdb

    from stance.analysis.actors import write_edges

    files = shard_files(run_dir)
    if not files:
        raise StanceError("the run has no finished shards yet", path=run_dir)
    out = Path(out_dir) if out_dir is not None else Path(run_dir) / "actors"
    out.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    try:
        where = "" if include_author else f" WHERE speaker_type <> '{AUTHOR}'"
        listed = ", ".join(_literal(str(f)) for f in files)
        connection.execute(f"CREATE VIEW sentences AS SELECT *, {YEAR} AS year FROM read_parquet([{listed}]){where}")
        table = _records(connection, _query(()))
        by_year = _records(connection, _query(("year",)))
        paths = {
            "actors_csv": _copy_csv(connection, _query(()), out / "actors.csv"),
            "by_year_csv": _copy_csv(connection, _query(("year",)), out / "actors_by_year.csv"),
            "by_outlet_csv": _copy_csv(connection, _query(("outlet",)), out / "actors_by_outlet.csv"),
        }
        total = _count(connection, "SELECT count(*) FROM sentences")
        articles = _count(connection, "SELECT count(DISTINCT article) FROM sentences")
    finally:
        connection.close()
    speakers = [r["speaker"] for r in table[:top]]
    paths["trend_png"] = write_trend_chart(
        by_year, speakers, out / "trend.png", title="Stance share over time: the most quoted speakers"
    )
    paths["edges_csv"], paths["edges_graphml"] = write_edges(table, out / "edges.csv", out / "edges.graphml")
    return {
        "run": str(run_dir),
        "sentences": total,
        "articles": articles,
        "table": table,
        "files": {k: str(v) for k, v in paths.items()},
    }

"""The project's corpus as an archive file: to try the archive commands, to test them, to benchmark them.

Each article becomes one row (``id``, ``text`` = the raw file byte for byte,
``date``, ``outlet`` = the publication, ``title``, ``url`` = the source).
``repeat`` copies the corpus with ids suffixed ``~2``, ``~3``... so a
synthetic archive of any size has real article text; the stream is written
line by line, so a 100k-article archive never sits in memory.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stance.corpus.articles import article_text, load_articles
from stance.errors import StanceError
from stance.paths import Root


def corpus_articles(root: Root) -> list[dict[str, Any]]:
    """One archive record per corpus article, in corpus order."""
    articles = load_articles(root)
    if not articles:
        raise StanceError("the corpus has no articles", path=root.articles_file)
    return [
        {
            "id": article.id,
            "text": article_text(root, article.id),
            "date": article.date,
            "outlet": article.publication,
            "title": article.title,
            "url": article.source,
        }
        for article in articles
    ]


def repeated(records: list[dict[str, Any]], *, articles: int) -> Iterator[dict[str, Any]]:
    """``articles`` records cycling through ``records``; copies after the first get ``~N`` ids."""
    for number in range(articles):
        copy, index = divmod(number, len(records))
        record = records[index]
        yield record if copy == 0 else {**record, "id": f"{record['id']}~{copy + 1}"}


def write_corpus_archive(root: Root, path: str | Path, *, articles: int | None = None) -> int:
    """Write the corpus (``articles`` rows, cycling, default one copy) as a JSONL archive; return the rows."""
    records = corpus_articles(root)
    total = len(records) if articles is None else articles
    if total < 1:
        raise StanceError("must be at least 1", field="--articles")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for record in repeated(records, articles=total):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return total

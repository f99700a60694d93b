"""Throw-away project roots built from the repository's shipped data only.

A user of a clone labels (``annotations/annotators/``), trains
(``models/<run>/``), gets suggestions and reports; none of that may leak into
a test, or the README's test command passes or fails depending on what the
user did. So a test project is built from an explicit list of shipped files
(the corpus, the gold labels, the model configs), never by copying folders
whole.
"""

from __future__ import annotations

import shutil
from pathlib import Path

#: What a test project holds, as globs relative to the repository root.
SHIPPED = ("corpus/*.txt", "corpus/articles.jsonl", "corpus/sentences.jsonl", "annotations/gold.jsonl", "models/*.toml")


def build_project(source: Path, dest: Path) -> Path:
    """Copy the shipped files of ``source`` into ``dest`` (a fresh project root) and return ``dest``."""
    for folder in ("corpus", "annotations", "models"):
        (dest / folder).mkdir(parents=True, exist_ok=True)
    for pattern in SHIPPED:
        for path in sorted(source.glob(pattern)):
            if path.is_file():
                shutil.copy2(path, dest / path.relative_to(source))
    return dest

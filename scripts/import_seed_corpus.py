"""Bring the four source articles from ../shared/corpus into corpus/.

Run once from the project root: ``python scripts/import_seed_corpus.py``.
Raw text is copied unchanged; ids are readable slugs; title, publication and
date are filled only where the text itself states them (``title_note`` says
where a title had to be written because the text has no headline).
"""

from __future__ import annotations

import sys
from pathlib import Path

from stance.corpus.articles import add_article
from stance.paths import find_root

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"

SEED = [
    # (file, id, title, publication, title_note)
    (
        "000_c874ecbf4c7b803f.txt",
        "hp-dwp-staff-strike-india",
        "HP staff at the DWP take industrial action over plans to offshore 200 jobs to India",
        None,
        "descriptive: the text has no headline",
    ),
    (
        "001_9702d6f3cfd13e2b.txt",
        "dwp-offshore-it-jobs",
        "DWP to offshore IT jobs?",
        "silicon.com",
        "headline from the text; publication from 'which was seen by silicon.com'",
    ),
    (
        "002_4e8e515fabbc88e7.txt",
        "pcs-steria-shared-services-offshoring",
        "PCS warns UK jobs could be offshored as civil service back office goes to Steria",
        None,
        "descriptive: the text has no headline",
    ),
    (
        "003_d79bb8e29cfb3e0d.txt",
        "moj-it-workers-strike-outsourcing",
        "Official: MoJ IT workers on STRIKE over outsourcing job fears",
        "The Register",
        "headline from the text; publication from 'As revealed by El Reg'",
    ),
]


def main() -> int:
    root = find_root()
    for name, article_id, title, publication, note in SEED:
        article, sentences = add_article(
            root,
            SHARED / name,
            title=title,
            article_id=article_id,
            publication=publication,
            origin="source",
            title_note=note,
        )
        print(f"{article.id}: {len(sentences)} sentences ({note})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Add the sixteen articles of ../shared/corpus-extra to corpus/ (origin "added").

Run from the project root: ``python scripts/import_extra_corpus.py [--shared DIR]``.
Each file starts with a ``source:`` / ``title:`` header, which
:func:`stance.corpus.articles.add_article` reads (a trailing "[from URL]" or
"[descriptive]" on the title becomes the article's ``title_note``). The file
stem is the article id. Publication and date are not in the files; they are
taken from the table in corpus-extra/SOURCES.md, the collector's record of
where each stored page came from. Articles already in the corpus are skipped,
so the script can be re-run after an interruption.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stance.corpus.articles import add_article, load_articles
from stance.errors import StanceError
from stance.paths import find_root

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus-extra"

#: (file stem = article id, publication, date), in the order of SOURCES.md.
EXTRA: list[tuple[str, str, str | None]] = [
    ("bt-hits-back-cwu-india-2003", "rediff.com (Reuters)", "2003-03-20"),
    ("lloyds-tsb-newcastle-india-2003", "finextra.com", "2003-10"),
    ("abbey-staff-fear-jobs-export-2003", "standard.co.uk", "2003"),
    ("hsbc-call-centre-india-whitson", "standard.co.uk", None),
    ("cbi-offshoring-survey-2004", "personneltoday.com", "2004-11"),
    ("blair-outsourcing-india-china", "indianexpress.com", None),
    ("mankiw-bush-adviser-outsourcing-2004", "foxnews.com", "2004-02-12"),
    ("vajpayee-defends-outsourcing-2004", "informationweek.com (AP)", "2004-03"),
    ("tcs-cmec-offshoring-debate-2009", "computing.co.uk", "2009"),
    ("capita-400-it-jobs-india-2012", "silicon.co.uk", "2012-04"),
    ("rbs-it-outage-offshoring-2012", "information-age.com", "2012-06"),
    ("nasscom-data-theft-heat-2005", "computerweekly.com", "2005-06"),
    ("npower-india-outsourcing-2013", "hitc.com", "2013-11-28"),
    ("mansingh-outsourcing-no-threat-2004", "m.rediff.com", "2004-02-18"),
    ("powergen-pulls-out-india-2006", "mycustomer.com", "2006-06"),
    ("karnik-forbes-face-of-year-2004", "taipeitimes.com", "2004-01-11"),
]


def add_collection(shared: Path, entries: list[tuple[str, str | None, str | None]], *, collection: str) -> int:
    """Add each ``(file stem = id, publication, date)`` of ``shared`` to the corpus; 1 on a user error.

    Articles already in the corpus are skipped, so an interrupted import can
    be re-run. Shared by the corpus-extra and corpus-more imports.
    """
    root = find_root()
    existing = {article.id for article in load_articles(root)}
    try:
        for article_id, publication, date in entries:
            if article_id in existing:
                print(f"{article_id}: already in the corpus, skipped")
                continue
            article, sentences = add_article(
                root,
                shared / f"{article_id}.txt",
                article_id=article_id,
                publication=publication,
                date=date,
                origin="added",
                collection=collection,
            )
            note = f" ({article.title_note})" if article.title_note else ""
            print(f"{article.id}: {len(sentences)} sentences{note}")
    except StanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the corpus-extra folder")
    args = parser.parse_args(argv)
    return add_collection(args.shared, list(EXTRA), collection="corpus-extra")


if __name__ == "__main__":
    sys.exit(main())

"""Add the 56 articles of ../shared/corpus-more to corpus/ (collection ``corpus-more``).

Run from the project root: ``python scripts/import_more_corpus.py [--shared DIR]``.
Each file starts with a ``source:`` / ``title:`` header, which
:func:`stance.corpus.articles.add_article` reads (a trailing "[from URL]" or
"[descriptive]" on the title becomes the article's ``title_note``). The file
stem is the article id. Publication and date are not in the files: they come
from the ``outlet, date`` column of corpus-more/SOURCES.md, the collector's
record of each stored page, read here rather than copied by hand. A date is
kept to the precision SOURCES.md gives (``2003``, ``2003-10``, ``2003-12-03``);
"date not shown" becomes null. Articles already in the corpus are skipped, so
the script can be re-run after an interruption. No speaker suggestions are
recorded: the gold labels of this collection are made blind to the finder.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from import_extra_corpus import add_collection  # scripts/ is on sys.path when a script runs

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus-more"
COLLECTION = "corpus-more"

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_START = re.compile(
    rf",\s*(?=(?:\d|c\.\s|late\b|early\b|spring\b|summer\b|autumn\b|winter\b|date\b|{_MONTH}\b))", re.IGNORECASE
)


def parse_date(text: str) -> str | None:
    """The date SOURCES.md gives, as ISO to the precision it has (or None)."""
    text = text.split("(")[0].strip()
    if m := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        return m.group(0)
    if m := re.search(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b", text, re.IGNORECASE):
        month = _MONTHS[m.group(2).rstrip(".").lower()]
        return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
    if m := re.search(rf"\b({_MONTH})\s+(\d{{4}})\b", text, re.IGNORECASE):
        return f"{m.group(2)}-{_MONTHS[m.group(1).rstrip('.').lower()]:02d}"
    if m := re.search(r"\b(\d{4})\b", text):
        return m.group(1)
    return None


def parse_sources(path: Path) -> dict[str, tuple[str, str | None]]:
    """slug -> (publication, date) from the SOURCES.md table."""
    entries: dict[str, tuple[str, str | None]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", cells[0]) or cells[0] == "slug":
            continue
        outlet_date = cells[1]
        match = _DATE_START.search(outlet_date)
        if match:
            publication, date_text = outlet_date[: match.start()], outlet_date[match.end() :]
        else:
            publication, date_text = outlet_date, ""
        entries[cells[0]] = (publication.strip(), parse_date(date_text))
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the corpus-more folder")
    parser.add_argument("--dry-run", action="store_true", help="print what would be added, add nothing")
    args = parser.parse_args(argv)
    sources = parse_sources(args.shared / "SOURCES.md")
    files = sorted(args.shared.glob("*.txt"))
    missing = sorted({f.stem for f in files} - set(sources))
    if missing:
        print(f"error: {args.shared / 'SOURCES.md'}: no row for {', '.join(missing)}", file=sys.stderr)
        return 1
    if args.dry_run:
        for slug, (publication, date) in sources.items():
            print(f"{slug}\t{publication}\t{date}")
        return 0
    entries = [(slug, publication, date) for slug, (publication, date) in sources.items()]
    return add_collection(args.shared, entries, collection=COLLECTION)


if __name__ == "__main__":
    sys.exit(main())

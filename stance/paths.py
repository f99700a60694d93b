"""Where the project data lives.

A root holds ``corpus/``, ``annotations/`` and ``models/``. It is, in order:
an explicit ``--root``, the ``STANCE_ROOT`` environment variable, or the
nearest folder at or above the current directory that has a ``corpus/``
folder (like git finds its repository). A user who installed the package
keeps their own data anywhere and points at it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import StanceError

ENV_VAR = "STANCE_ROOT"


@dataclass(frozen=True)
class Root:
    """The folders of one project root.

    ``found`` is False when no root was given and no folder with a ``corpus/``
    was found: the current folder is used, and listing commands say so.
    """

    path: Path
    found: bool = field(default=True, compare=False)

    @property
    def corpus(self) -> Path:
        return self.path / "corpus"

    @property
    def articles_file(self) -> Path:
        return self.corpus / "articles.jsonl"

    @property
    def sentences_file(self) -> Path:
        return self.corpus / "sentences.jsonl"

    @property
    def annotations(self) -> Path:
        return self.path / "annotations"

    @property
    def gold_file(self) -> Path:
        return self.annotations / "gold.jsonl"

    @property
    def annotators(self) -> Path:
        return self.annotations / "annotators"

    @property
    def models(self) -> Path:
        return self.path / "models"

    @property
    def reports(self) -> Path:
        return self.path / "reports"


def find_root(explicit: str | Path | None = None) -> Root:
    """Resolve the project root (see the module docstring for the order).

    A root given by ``--root`` or ``STANCE_ROOT`` must be an existing folder:
    a typo would otherwise show an empty corpus, or make ``corpus add``
    start a new one in the wrong place.
    """
    if explicit:
        return Root(_existing_folder(explicit, "--root / STANCE_ROOT"))
    env = os.environ.get(ENV_VAR)
    if env:
        return Root(_existing_folder(env, ENV_VAR))
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "corpus").is_dir():
            return Root(folder)
    return Root(here, found=False)


def root_hint(root: Root) -> str | None:
    """Where the data was looked for and how to point at a project, when no project was found."""
    if root.found:
        return None
    return (
        f"no project here: no corpus/ folder in {root.path} or above it, so {root.path} was used; "
        f"give --root DIR or set {ENV_VAR}=DIR (a folder with corpus/ and annotations/), "
        "or start one here with `mkdir -p corpus annotations`"
    )


def _existing_folder(value: str | Path, source: str) -> Path:
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        raise StanceError(f"project root {str(path)!r} is not an existing folder", field=source)
    return path

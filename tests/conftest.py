"""Shared fixtures: a throw-away project root and a CLI runner.

Tests never touch the repository's own corpus/ and annotations/: they work in
a copy under tmp_path, pointed at with ``--root``/``STANCE_ROOT``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import build_project
from typer.testing import CliRunner

from stance.paths import Root

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """ONNX graphs go to a throw-away cache, never the user's ~/.cache/stance."""
    import os

    os.environ["STANCE_CACHE_DIR"] = str(tmp_path_factory.mktemp("stance-cache"))


@pytest.fixture(autouse=True)
def _no_user_project(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every test at an empty project unless it asks for one.

    Without this, a command run by a test without ``--root`` would find the
    repository by the current directory and read whatever the user has
    labelled or trained there.
    """
    empty = tmp_path_factory.mktemp("no-project")
    (empty / "corpus").mkdir()
    (empty / "annotations").mkdir()
    monkeypatch.setenv("STANCE_ROOT", str(empty))


@pytest.fixture
def repo_root() -> Root:
    """The repository's own data (read only)."""
    return Root(REPO)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Root:
    """The repository's shipped corpus, gold labels and configs in a temporary root.

    Only shipped files (:data:`projects.SHIPPED`): never the user's annotator
    histories, suggestions, trained runs or reports.
    """
    build_project(REPO, tmp_path)
    monkeypatch.setenv("STANCE_ROOT", str(tmp_path))
    return Root(tmp_path)


@pytest.fixture
def empty_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Root:
    """An empty project root (no articles, no labels)."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "annotations").mkdir()
    monkeypatch.setenv("STANCE_ROOT", str(tmp_path))
    return Root(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight BERT with a WordPiece vocabulary from the corpus (no download)."""
    from tiny_models import build_tiny_bert

    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the Label Studio integration tests only when the marker expression names them.

    ``addopts`` already says ``-m 'not integration'``, but any ``-m`` on the
    command line replaces it: without this, ``-m "not slow"`` would start
    pulling in a test that needs a Label Studio server.
    """
    if "integration" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("integration") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept

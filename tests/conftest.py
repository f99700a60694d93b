"""Shared fixtures: a throw-away project root and a CLI runner.

Tests never touch the repository's own corpus/ and annotations/: they work in
a copy under tmp_path, pointed at with ``--root``/``STANCE_ROOT``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.paths import Root

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """ONNX graphs go to a throw-away cache, never the user's ~/.cache/stance."""
    import os

    os.environ["STANCE_CACHE_DIR"] = str(tmp_path_factory.mktemp("stance-cache"))


@pytest.fixture
def repo_root() -> Root:
    """The repository's own data (read only)."""
    return Root(REPO)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Root:
    """A copy of the repository's corpus/ and annotations/ in a temporary root."""
    for name in ("corpus", "annotations"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, tmp_path / name)
    (tmp_path / "models").mkdir(exist_ok=True)
    if (REPO / "models").exists():
        for config in (REPO / "models").glob("*.toml"):
            shutil.copy(config, tmp_path / "models" / config.name)
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

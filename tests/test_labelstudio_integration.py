"""The exchange against a real Label Studio server (``pytest -m integration``; not in the default run).

Nothing is installed here: the test uses the ``label-studio`` program of
``bash scripts/setup_labelstudio.sh`` (or ``$LABEL_STUDIO``, or PATH) and
fails, rather than skips, when it is missing, since it only runs when asked
for. The server listens on 127.0.0.1, keeps its data in a temporary folder
and is stopped by the fixture's teardown.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.integration


def _script():
    path = REPO / "scripts" / "labelstudio_roundtrip.py"
    spec = importlib.util.spec_from_file_location("labelstudio_roundtrip", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def roundtrip():
    return _script()


@pytest.fixture(scope="module")
def server(roundtrip) -> Iterator:
    program = roundtrip.find_label_studio()
    if program is None:
        pytest.fail("label-studio not found: run `bash scripts/setup_labelstudio.sh` (or set $LABEL_STUDIO)")
    with roundtrip.label_studio(program) as running:
        yield running
    assert running.process.poll() is not None, "the server outlived the fixture"


def test_round_trip_through_label_studio(server, roundtrip, tmp_path: Path) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    report = roundtrip.round_trip(server, tmp_path)
    sentences = report["sentences"]
    assert report["tasks_import"]["task_count"] == sentences
    assert set(report["exports"]) == {"JSON", "JSON_MIN", "snapshot-JSON", "snapshot-JSON_MIN"}
    assert all(e == {"imported": sentences, "reimported": 0} for e in report["exports"].values())
    assert all(e["imported"] == 1 for e in report["gold_as_annotations"].values())
    assert all(e["refused"] for e in report["disagreement"].values())

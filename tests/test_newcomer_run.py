"""The scripted newcomer (scripts/newcomer_run.py) on a scratch copy: its checks pass, through pipes and a pty.

The whole script (every command's help in a terminal, evaluate, train) takes
minutes on 2 cores; here each check group runs once, the help check on the
commands whose help had lost words. `tests/test_cli_help.py` covers every
command's help in-process.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "newcomer_run.py"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("newcomer_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["newcomer_run"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def user(script, tmp_path):
    return script.Newcomer(script.scratch_project(script.REPO, tmp_path))


def _assert_all_pass(checks) -> None:
    assert checks and all(c.ok for c in checks), [(c.name, c.detail) for c in checks if not c.ok]


def test_help_in_a_terminal(script, user) -> None:
    _assert_all_pass(script.check_help(user, only=[("predict",), ("evaluate",), ("corpus", "list"), ()]))


def test_corpus_list_actors_and_annotate(script, user, tmp_path) -> None:
    _assert_all_pass(script.check_corpus_list(user, tmp_path))
    _assert_all_pass(script.check_actors(user, tmp_path))
    _assert_all_pass(script.check_annotate(user))
    _assert_all_pass(script.check_nothing_cut(user))


def test_sentence_numbering(script, user, tmp_path) -> None:
    _assert_all_pass(script.check_numbering(user, tmp_path))

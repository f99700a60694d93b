"""Training under torchrun: two CPU processes (gloo) train one model, rank 0 alone saves it.

This is the multi-GPU / multi-node path of the README, proven on the tiny
BERT: if it works for two processes on one machine, the Trainer's sharding
and the rank-0-only saving hold for more.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stance.corpus.dataset import labelled_rows
from stance.models import distributed


def torchrun() -> list[str]:
    """``torchrun`` of this interpreter's environment, as a module so no script path is assumed."""
    return [sys.executable, "-m", "torch.distributed.run"]


@pytest.mark.slow
def test_torchrun_two_processes_train_one_model(project, tiny_bert, tmp_path):
    out = tmp_path / "runs" / "ddp"
    command = [
        *torchrun(),
        "--standalone",  # a free port of its own: parallel test runs don't collide
        "--nproc_per_node",
        "2",
        "-m",
        "stance",
        "train",
        "transformer",
        "--base-model",
        str(tiny_bert),
        "--set",
        "epochs=1",
        "--set",
        "batch_size=4",
        "--set",
        "max_length=32",
        "--out",
        str(out),
    ]
    env = {**os.environ, "STANCE_ROOT": str(project.path), "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    log = done.stdout + done.stderr
    # two processes really ran, each knowing its rank
    assert "rank 0/2: training transformer" in log and "rank 1/2: training transformer" in log
    assert "rank 1/2: done; rank 0 writes" in log
    # one run directory, written by rank 0 alone (no leftovers of a second writer)
    assert sorted(p.name for p in out.parent.iterdir()) == ["ddp"]
    meta = json.loads((out / "meta.json").read_text())
    facts = meta["training"]
    assert facts["world_size"] == 2
    # the Trainer sharded the data: each optimisation step saw 2 x batch_size rows
    per_rank = math.ceil(facts["train_size"] / 2)
    assert facts["steps"] == math.ceil(per_rank / 4) * round(facts["epochs_run"])
    assert facts["validation_size"] > 0  # the checkpoint reloaded at the end came from the shared folder
    # the logged loss is the mean over processes, not their sum: class-weighted cross-entropy of
    # a near-random 3-way classifier is about ln 3 = 1.10, a doubled loss would be about 2.2
    assert 0.5 < facts["train_loss"] < 1.6
    assert meta["data"]["rows"] == len(labelled_rows(project))
    # and the saved model is usable
    from stance.models.registry import load_model

    assert len(load_model(out).predict([{"text": "Jobs are moving to India."}])) == 1


def test_rank_and_world_size_come_from_the_launcher(monkeypatch):
    monkeypatch.delenv("RANK", raising=False)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert (distributed.rank(), distributed.world_size(), distributed.is_main_process()) == (0, 1, True)
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("WORLD_SIZE", "4")
    assert (distributed.rank(), distributed.world_size(), distributed.is_main_process()) == (3, 4, False)


def test_non_main_rank_writes_nothing(project, monkeypatch, tmp_path):
    from stance.models.train import train_model

    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    runs = tmp_path / "runs"
    out = train_model("tfidf", labelled_rows(project), out_dir=runs / "run")
    assert out == runs / "run" and not runs.exists()


def test_scratch_is_shared_by_the_ranks_of_one_launch(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "test-launch")
    monkeypatch.setenv("RANK", "1")
    with distributed.trainer_scratch() as first:
        monkeypatch.setenv("RANK", "0")
        with distributed.trainer_scratch() as second:
            assert first == second and Path(first).is_dir()
    assert not Path(first).exists()  # rank 0 cleans up

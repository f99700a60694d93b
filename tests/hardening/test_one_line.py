"""Issue 17, "one line, never a traceback": every listed case ends with one located line and exit 1 (or works)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from stance.cli import app
from stance.models.common import MARKER
from stance.models.train import train_model

ROWS = [
    {"text": "Moving the jobs abroad will save money.", "stance": "pro"},
    {"text": "The union will fight the job losses.", "stance": "anti"},
    {"text": "The office is in Leeds.", "stance": "neutral"},
] * 2
ARTICLE = "dwp-offshore-it-jobs"


def one_line(result, *needles: str) -> str:
    """The one error line of a failed command (progress lines before it are fine, a traceback is not)."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and result.stderr.rstrip().endswith(errors[0]), result.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def full_disk(monkeypatch, code: int = errno.ENOSPC) -> None:
    def refuse(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", refuse)


@pytest.fixture
def tfidf_run(tmp_path):
    return train_model("tfidf", ROWS, out_dir=tmp_path / "run")


def set_marker(run: Path, **config) -> None:
    marker = json.loads((run / MARKER).read_text())
    seed = config.pop("seed", None)
    if seed is not None:
        marker["seed"] = seed
    marker["config"].update(config)
    (run / MARKER).write_text(json.dumps(marker))


# --- full disk --------------------------------------------------------------------------


def test_full_disk_in_annotate(project, runner, monkeypatch):
    full_disk(monkeypatch)
    result = runner.invoke(app, ["annotate", "--annotator", "alice", "--article", ARTICLE], input="p\nq\n")
    one_line(result, "alice.jsonl: can't write: No space left on device")


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG])
def test_full_disk_in_predict_names_the_target_not_the_temporary_file(tfidf_run, runner, tmp_path, monkeypatch, code):
    out = tmp_path / "out.csv"
    full_disk(monkeypatch, code)
    line = one_line(runner.invoke(app, ["predict", str(tfidf_run), "Jobs go.", "-o", str(out)]), f"{out}: can't write")
    assert ".tmp" not in line and os.strerror(code) in line
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_full_disk_in_split(project, runner, monkeypatch):
    full_disk(monkeypatch)
    one_line(runner.invoke(app, ["corpus", "split"]), "sentences.jsonl: can't write: No space left on device")


def test_full_disk_on_stdout(tfidf_run, runner, monkeypatch):
    """A pipe to a full disk: the write to stdout fails, and that is one line too."""
    import stance.models.predict

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(stance.models.predict.JsonlWriter, "write", full)
    one_line(runner.invoke(app, ["predict", str(tfidf_run), "Jobs go.", "-f", "jsonl"]), "No space left on device")


# --- input and run folders ----------------------------------------------------------


def test_a_lone_surrogate_in_jsonl_input(tfidf_run, runner, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text('{"text": "fine"}\n{"text": "bad \\ud800 half"}\n', encoding="utf-8")
    one_line(runner.invoke(app, ["predict", str(tfidf_run), "--input", str(data)]), f"{data}:2: a lone surrogate")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"seed": "abc"}, "seed: expected an integer, got 'abc'"),
        ({"use_speaker": "no"}, "use_speaker: expected bool, got str ('no')"),
        ({"C": "abc"}, "C: expected float, got str ('abc')"),
    ],
)
def test_run_folder_config_is_validated_on_load(tfidf_run, runner, change, needle):
    set_marker(tfidf_run, **change)
    one_line(runner.invoke(app, ["predict", str(tfidf_run), "Jobs go."]), f"{MARKER}: {needle}")


@pytest.fixture(scope="module")
def tiny_run(tiny_bert, tmp_path_factory):
    from stance.models.transformer import TransformerModel

    model = TransformerModel({"base_model": str(tiny_bert), "max_length": 32, "predict_batch_size": 8}, seed=0)
    model._load_base()
    folder = tmp_path_factory.mktemp("one-line") / "run"
    model.save(folder)
    return folder


def test_run_folder_max_length_is_validated(tiny_run, runner, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    set_marker(run, max_length="abc")
    for engine in ("torch", "onnx"):
        result = runner.invoke(app, ["predict", str(run), "Jobs go.", "--engine", engine])
        one_line(result, "max_length: expected int, got str ('abc')")


def test_a_cuda_device_on_a_machine_without_one(tiny_run, runner, tmp_path, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    set_marker(run, device="cuda")
    one_line(runner.invoke(app, ["predict", str(run), "Jobs go."]), "device: device 'cuda', but this machine has no")


def test_fast_when_the_onnx_export_fails(tiny_run, runner, tmp_path, monkeypatch):
    from stance.models import onnx_engine as fast

    def broken(run_dir, target):
        raise RuntimeError("Unsupported: an operator\n" + "detail\n" * 120)

    monkeypatch.setattr(fast, "export_onnx", broken)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    one_line(runner.invoke(app, ["predict", str(tiny_run), "Jobs go.", "--fast"]), "ONNX export failed: Unsupported")


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ("C=-1", "C: must be greater than 0, got -1"),
        ("hash_features=0", "hash_features: must be greater than 0, got 0"),
        ("char_ngram_min=6", "char_ngram_min = 6 is larger than char_ngram_max = 5"),
    ],
)
def test_invalid_hyperparameters(runner, tmp_path, setting, needle):
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    args = ["train", "tfidf", "--data", str(data), "--set", setting, "--out", str(tmp_path / "out")]
    one_line(runner.invoke(app, args), needle)


def test_a_skops_file_of_trusted_types_with_a_malformed_tree(tfidf_run, runner):
    path = tfidf_run / "model.skops"
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(files["schema.json"])
    schema.pop("content", None)  # the object's state, gone: every type named is still a trusted one
    files["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    one_line(runner.invoke(app, ["predict", str(tfidf_run), "Jobs go."]), "model.skops: malformed skops file")


def test_a_1000_character_annotator_name(project, runner):
    result = runner.invoke(app, ["annotate", "--annotator", "a" * 1000, "--article", ARTICLE], input="q\n")
    one_line(result, "annotator: annotator name is 1000 characters long; at most 64")


def test_output_to_proc(tfidf_run, runner):
    one_line(runner.invoke(app, ["predict", str(tfidf_run), "Jobs go.", "-o", "/proc/x"]), "/proc/x: can't write")


def test_marker_and_gold_symlinked_to_dev_zero(tfidf_run, project, runner):
    (tfidf_run / MARKER).unlink()
    (tfidf_run / MARKER).symlink_to("/dev/zero")
    one_line(runner.invoke(app, ["predict", str(tfidf_run), "Jobs go."]), f"{MARKER}: not a regular file")
    project.gold_file.unlink()
    project.gold_file.symlink_to("/dev/zero")
    one_line(runner.invoke(app, ["labels", "stats"]), "gold.jsonl: not a regular file")


def run_cli(args: list[str], root: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stance", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "STANCE_ROOT": str(root), **env},
    )


def test_stance_models_with_a_dev_zero_meta_and_a_fifo_marker(project, tfidf_run):
    zero = project.models / "zero"
    shutil.copytree(tfidf_run, zero)
    (zero / "meta.json").unlink()
    (zero / "meta.json").symlink_to("/dev/zero")
    fifo = project.models / "fifo"
    fifo.mkdir()
    os.mkfifo(fifo / MARKER)
    done = run_cli(["models"], project.path, COLUMNS="400")
    assert done.returncode == 0, done.stderr
    assert "zero" in done.stdout and "fifo" in done.stdout


def test_pythonioencoding_ascii(project):
    done = run_cli(["corpus", "list"], project.path, PYTHONIOENCODING="ascii", COLUMNS="100")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "articles" in done.stdout


def test_file_exists_says_which_component_is_a_file(tfidf_run, runner, tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file\n", encoding="utf-8")
    result = runner.invoke(app, ["predict", str(tfidf_run), "Jobs go.", "-o", str(blocker / "out.csv")])
    one_line(result, f"{blocker} is a file, not a folder")
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    result = runner.invoke(app, ["train", "tfidf", "--data", str(data), "--out", str(blocker / "run")])
    one_line(result, f"{blocker} is a file, not a folder")


def test_an_empty_root_is_an_error(project, runner):
    one_line(runner.invoke(app, ["--root", "", "corpus", "list"]), "--root: is empty")

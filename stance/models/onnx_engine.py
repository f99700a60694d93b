"""ONNX Runtime inference for a saved transformer: float32 or int8, no torch.

The first call exports the run's float32 weights to ONNX (torch's
exporter); ``--fast`` also quantises every weight matrix to int8 with ONNX
Runtime's dynamic quantisation. Both graphs are cached in the user's cache
folder (``~/.cache/stance/onnx/<key>/``, see :func:`cache_root`) under a key
made of the sha256 of the weights and of config.json and the exporter
versions, so later calls skip the export. A graph shipped inside a run
folder is never used: it could say anything, whatever its weights say. Prediction then needs neither torch nor
transformers: the ``tokenizers`` library reads the run's
``tokenizer.json`` and ONNX Runtime runs the graph, which cuts seconds of
import time from every process.

Float32 is what ``stance predict`` runs on a CPU by default: the same
arithmetic as PyTorch in a leaner runtime, with identical labels on the
5,000-sentence benchmark (probabilities differ around the 6th decimal).
Int8 changes the numbers a little: labels agree with float32 on nearly all
sentences but not all of them, so it is opt-in; ``docs/benchmarks.md``
reports the agreement and the score change measured on TweetEval.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from stance.errors import StanceError
from stance.models.base import Rows
from stance.models.common import (
    ModelBase,
    batches_by_length,
    check_model_folder,
    compose_all,
    read_marker,
    require_files,
)
from stance.schema import STANCES

if TYPE_CHECKING:
    import numpy as np

CACHE = "onnx"
FLOAT_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
#: The two graphs: the weights as trained, and dynamically quantised.
Precision = Literal["float32", "int8"]
FILES: dict[str, str] = {"float32": FLOAT_FILE, "int8": INT8_FILE}
STAMP = "stamp.json"
OPSET = 17


def _weights(run_dir: Path) -> Path:
    files = sorted(run_dir.glob("model*.safetensors"))
    if not files:
        check_model_folder(run_dir)  # pickled weights only: say so, as the PyTorch path does
    if len(files) != 1:
        raise StanceError("expected one model.safetensors for --fast (sharded weights are not supported)", path=run_dir)
    return files[0]


_HASHES: dict[tuple[str, int, int, int], str] = {}


def _sha256(path: Path) -> str:
    """sha256 of a file, remembered for this process (``--fast`` asks twice: int8 and its float32 re-check)."""
    import hashlib

    info = path.stat()
    key = (str(path.resolve()), info.st_ino, info.st_size, info.st_mtime_ns)
    if key not in _HASHES:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _HASHES[key] = digest.hexdigest()
    return _HASHES[key]


def _version(package: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def weights_stamp(run_dir: Path) -> dict[str, Any]:
    """What a cached ONNX graph is made from: the hashes of the weights and config.json, and the exporter versions.

    Content, not name, size or mtime: a copied or crafted folder can match
    those with different weights. New weights, a changed architecture or an
    upgraded exporter make the stamp, hence the cache key, differ.
    """
    from stance import __version__

    weights = _weights(run_dir)
    return {
        "weights": weights.name,
        "weights_sha256": _sha256(weights),
        "config_sha256": _sha256(run_dir / "config.json"),
        "onnxruntime": _version("onnxruntime"),
        "torch": _version("torch"),
        "transformers": _version("transformers"),
        "stance": __version__,
        "opset": OPSET,
    }


def _read_stamp(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def export_onnx(run_dir: Path, target: Path) -> Path:
    """Export the float32 classifier of ``run_dir`` to ``target`` (ONNX, dynamic batch and length axes)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from stance.models.transformer import quiet_transformers

    with quiet_transformers():
        tokenizer = AutoTokenizer.from_pretrained(run_dir, trust_remote_code=False, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(
            run_dir, use_safetensors=True, trust_remote_code=False, local_files_only=True
        ).eval()
    import inspect

    # graph inputs follow forward()'s parameter order, whatever order the tokenizer lists them in
    accepted = list(inspect.signature(model.forward).parameters)
    names = sorted(tokenizer.model_input_names, key=accepted.index)
    sample = tokenizer(
        ["an example sentence", "and a second, longer example sentence"], padding=True, return_tensors="pt"
    )
    axes = {name: {0: "batch", 1: "length"} for name in names}
    axes["logits"] = {0: "batch"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter announces its own deprecation
        torch.onnx.export(
            model,
            ({name: sample[name] for name in names},),
            str(target),
            input_names=names,
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
    return target


def quantize(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of every MatMul/Gemm weight, per output channel (activations quantised on the fly).

    Per-channel scales raised label agreement with float32 from about 97% to 98.5% on TweetEval at no
    measurable cost in speed.
    """
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.ERROR))  # quiet its "consider pre-processing" advice, for this call only
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)
    return target


def _build(run_dir: Path, folder: Path, file: str) -> Path:
    """Write ``folder/file`` (built aside, then renamed in: a crash never leaves a half-written graph).

    The float32 export (re)starts the folder with a fresh stamp; int8 is
    made from the float32 graph already there.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))  # private, like the cache
    try:
        if file == FLOAT_FILE:
            stamp = weights_stamp(run_dir)
            export_onnx(run_dir, tmp / FLOAT_FILE)
            (tmp / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        else:
            quantize(folder / FLOAT_FILE, tmp / file)
            os.replace(tmp / file, folder / file)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder / file


def cache_root() -> Path:
    """The user's cache folder: ``STANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/stance``, else ``~/.cache/stance``."""
    explicit = os.environ.get("STANCE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "stance"


def _cache_folder(run_dir: Path, stamp: dict[str, Any]) -> Path:
    """The cache folder of one (weights, config, exporter) combination, private to the user.

    It is keyed on content only, so the same model copied anywhere (or
    shared read-only) reuses it, and nothing in the run folder decides it.
    """
    import hashlib

    key = hashlib.sha256(json.dumps(stamp, sort_keys=True).encode()).hexdigest()[:32]
    base = cache_root() / CACHE
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:  # no writable home: a per-user temporary folder
        base = Path(tempfile.gettempdir()) / f"stance-onnx-{os.getuid() if hasattr(os, 'getuid') else 0}"
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
    return base / key


def cache_folder(run_dir: str | Path) -> Path:
    """Where the ONNX graphs of ``run_dir``'s current weights are (or will be) cached."""
    return _cache_folder(Path(run_dir), weights_stamp(Path(run_dir)))


def cached_onnx(run_dir: str | Path, precision: Precision = "float32") -> Path:
    """The ONNX file of ``run_dir`` in ``precision`` (float32 or int8), built on first use.

    The cache is keyed on the weights' content (:func:`weights_stamp`): a
    retrained model or an upgraded exporter gets a fresh graph, never a
    stale one, and a graph shipped in the run folder is never read.
    """
    if precision not in FILES:
        raise StanceError(f"unknown precision {precision!r}; choose from {', '.join(FILES)}")
    run_dir = Path(run_dir)
    stamp = weights_stamp(run_dir)
    folder = _cache_folder(run_dir, stamp)
    if _read_stamp(folder) != stamp or not (folder / FLOAT_FILE).is_file():
        _build(run_dir, folder, FLOAT_FILE)
    if not (folder / FILES[precision]).is_file():
        _build(run_dir, folder, FILES[precision])
    return folder / FILES[precision]


def cached_int8(run_dir: str | Path) -> Path:
    """The int8 ONNX file of ``run_dir`` (what ``--fast`` runs), built on first use."""
    return cached_onnx(run_dir, "int8")


class FastTransformer(ModelBase):
    """A saved transformer run through ONNX Runtime, float32 or int8.

    A :class:`~stance.models.base.Predictor` only: it is a cache of a run
    directory, so it neither trains nor saves (train and save the PyTorch
    model; :func:`load_onnx` / :func:`load_fast` build this from the run).
    """

    name = "transformer"

    def __init__(
        self, config: dict[str, Any], session: Any, tokenizer: Any, *, seed: int = 0, precision: Precision = "int8"
    ) -> None:
        super().__init__(config, seed=seed)
        self.precision = precision
        self.session = session
        self.tokenizer = tokenizer
        self.input_names = [node.name for node in session.get_inputs()]
        #: Padding as the run's tokenizer does it (set by :func:`load_onnx` from :func:`padding_of`).
        self.pad_id, self.pad_type_id, self.pad_left = 0, 0, False
        #: The float32 model that re-scores uncertain rows, and how close the top two probabilities
        #: must be for a row to count as uncertain (see :func:`load_fast`).
        self.recheck: FastTransformer | None = None
        self.recheck_margin = 0.0
        #: Rows re-scored by ``recheck`` so far (reported by the benchmark).
        self.rechecked = 0

    def _pad(self, encodings: list[Any]) -> dict[str, np.ndarray]:
        """One batch as the graph's int64 inputs, padded to its longest row on the tokenizer's padding side."""
        import numpy as np

        width = max(len(e.ids) for e in encodings)
        arrays = {
            name: np.full((len(encodings), width), fill, dtype=np.int64)
            for name, fill in (("input_ids", self.pad_id), ("attention_mask", 0), ("token_type_ids", self.pad_type_id))
        }
        for row, e in enumerate(encodings):
            cells = slice(width - len(e.ids), width) if self.pad_left else slice(0, len(e.ids))
            arrays["input_ids"][row, cells] = e.ids
            arrays["attention_mask"][row, cells] = e.attention_mask
            arrays["token_type_ids"][row, cells] = e.type_ids
        return {name: arrays[name] for name in self.input_names}

    def predict_proba(self, rows: Rows) -> np.ndarray:
        """``(n, 3)`` probabilities in STANCES order: tokenised once, run in batches of similar token length.

        With a ``recheck`` model, rows whose two most probable stances are
        closer than ``recheck_margin`` are run again in float32 and take
        its probabilities.
        """
        import numpy as np

        out = np.zeros((len(rows), len(STANCES)), dtype=np.float64)
        if len(rows) == 0:
            return out
        texts, contexts = compose_all(rows, self.config)
        encodings = self.tokenizer.encode_batch(list(zip(texts, contexts, strict=True)) if contexts else texts)
        for batch in batches_by_length([len(e.ids) for e in encodings], int(self.config["predict_batch_size"])):
            logits = self.session.run(["logits"], self._pad([encodings[i] for i in batch]))[0].astype(np.float64)
            logits -= logits.max(axis=1, keepdims=True)
            exp = np.exp(logits)
            out[batch] = exp / exp.sum(axis=1, keepdims=True)
        if self.recheck is not None and self.recheck_margin > 0:
            top_two = np.sort(out, axis=1)[:, -2:]
            (uncertain,) = np.nonzero(top_two[:, 1] - top_two[:, 0] < self.recheck_margin)
            if len(uncertain):
                out[uncertain] = self.recheck.predict_proba([rows[int(i)] for i in uncertain])
                self.rechecked += len(uncertain)
        return out


def _tokenizer_config(run_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((run_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_tokenizer(run_dir: Path, max_length: int) -> Any:
    """The run's fast tokenizer read straight from ``tokenizer.json``, truncating like the PyTorch path.

    Padding is off: rows are padded per batch (:meth:`FastTransformer._pad`)
    once they are grouped by length.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(run_dir / "tokenizer.json"))
    side = _tokenizer_config(run_dir).get("truncation_side", "right")
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first", direction=side)
    tokenizer.no_padding()
    return tokenizer


def padding_of(tokenizer: Any, settings: dict[str, Any]) -> tuple[int, int, bool]:
    """``(pad id, pad token type id, pads on the left)`` from the run's tokenizer_config.json settings."""
    pad_id = tokenizer.token_to_id(str(settings.get("pad_token") or "[PAD]"))
    return int(pad_id or 0), int(settings.get("pad_token_type_id") or 0), settings.get("padding_side") == "left"


def _env_threads() -> int | None:
    """``OMP_NUM_THREADS``, the knob users already set for torch, so both paths use the same cores."""
    try:
        return int(os.environ.get("OMP_NUM_THREADS", "")) or None
    except ValueError:
        return None


def load_onnx(run_dir: str | Path, precision: Precision = "float32", *, threads: int | None = None) -> FastTransformer:
    """The transformer saved in ``run_dir`` as an ONNX Runtime session in ``precision`` (float32 or int8)."""
    import onnxruntime

    run_dir = Path(run_dir)
    marker = read_marker(run_dir)
    if marker["model"] != "transformer":
        raise StanceError(
            f"ONNX Runtime (--fast, --engine onnx) applies to transformer models; this is a {marker['model']!r} model",
            path=run_dir,
        )
    require_files(run_dir, ["config.json", "tokenizer.json"])
    check_model_folder(run_dir)
    from stance.models.transformer import TransformerModel

    config = {**TransformerModel.defaults, **marker.get("config", {})}
    onnx_file = cached_onnx(run_dir, precision)
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    threads = threads or _env_threads()
    if threads:
        options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
    tokenizer = load_tokenizer(run_dir, int(config["max_length"]))
    model = FastTransformer(config, session, tokenizer, seed=int(marker.get("seed", 0)), precision=precision)
    model.pad_id, model.pad_type_id, model.pad_left = padding_of(tokenizer, _tokenizer_config(run_dir))
    return model


#: ``--fast``'s default re-check margin. Measured on 5,000 TweetEval tweets: int8 alone agreed with
#: float32 on 98.4% of the labels; re-scoring the 5.7% of rows with a top-two margin under 0.1 raised
#: that to 99.8% and left the abortion test score unchanged (int8 alone: -0.8), for about 1 s.
RECHECK_MARGIN = 0.1


def load_fast(
    run_dir: str | Path, *, threads: int | None = None, recheck_margin: float = RECHECK_MARGIN
) -> FastTransformer:
    """The int8 ONNX Runtime version of the transformer in ``run_dir`` (``stance predict --fast``).

    Int8 moves probabilities by a few hundredths, which only changes the
    label of a row whose top two stances are that close. So rows with a
    top-two margin under ``recheck_margin`` are re-scored by the float32
    graph (0 turns this off: pure int8).
    """
    if not 0 <= recheck_margin <= 1:
        raise StanceError(f"the re-check margin must be between 0 and 1, not {recheck_margin}", field="--fast-margin")
    model = load_onnx(run_dir, "int8", threads=threads)
    if recheck_margin > 0:
        model.recheck = load_onnx(run_dir, "float32", threads=threads)
        model.recheck_margin = recheck_margin
    return model

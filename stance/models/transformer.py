"""A fine-tuned transformer: ``AutoModelForSequenceClassification`` + the Trainer.

The default base is all-MiniLM-L6-v2 from the PyPI package (works offline);
``base_model`` takes any hub id or local folder for users with the network
or a GPU. The defaults (lr 1e-4, 8 epochs, batch 16, max length 128) are the
ones measured best on TweetEval stance on 2 CPU cores. Training holds out
whole articles for early stopping, because sentences of one article share
speakers and wording and would make a random validation split optimistic.
The loss is class-weighted because ``neutral`` dominates.

A saved run directory is a plain Hugging Face model directory (safetensors
weights, tokenizer, ``id2label`` = the stance names), so
``transformers.pipeline(model=run_dir)`` works on it as is. Loading never
runs remote code and refuses pickled weights.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.models.base import Rows
from stance.models.common import (
    ModelBase,
    base_model_path,
    batches_by_length,
    check_model_folder,
    check_trainable,
    class_counts,
    compose_all,
    encode_labels,
    pick_device,
    read_marker,
    require_files,
    write_marker,
)
from stance.models.distributed import trainer_scratch
from stance.schema import STANCES

if TYPE_CHECKING:
    import numpy as np

ID2LABEL = dict(enumerate(STANCES))
LABEL2ID = {label: index for index, label in ID2LABEL.items()}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' loader inside: no "Loading weights" bar, only errors logged.

    TRANSFORMERS_VERBOSITY only counts if it is set before transformers is
    first imported, and it never hides the loader's progress bar (that is
    huggingface_hub's switch), so a CV run printed both in every fold. Both
    settings are restored on the way out: a library must not change them for
    its caller for good.
    """
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def _loss_bar_class() -> type:
    """The Trainer's progress bar with the last logged loss as its postfix (built lazily: transformers import).

    The stock ProgressCallback writes every log dict as a new line to stdout,
    which breaks ``stance train --json``; tqdm draws the bar on stderr.
    """
    from transformers import ProgressCallback

    class LossBar(ProgressCallback):
        def on_log(
            self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any
        ) -> None:
            if state.is_world_process_zero and self.training_bar is not None and logs:
                shown = {k: f"{v:.4g}" for k, v in logs.items() if k in ("loss", "eval_loss") and isinstance(v, float)}
                if shown:
                    self.training_bar.set_postfix(shown, refresh=True)

    return LossBar


def grouped_validation(rows: Rows, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """Indexes of (train, validation), holding out whole articles.

    Returns no validation rows when there is only one article (or none
    named), or when holding one out would leave fewer than two stances to
    train on: early stopping is then off and all epochs run.
    """
    from sklearn.model_selection import GroupShuffleSplit

    everything = list(range(len(rows)))
    groups = [row.get("article") for row in rows]
    if fraction <= 0 or any(g is None for g in groups) or len(set(groups)) < 2:
        return everything, []
    splitter = GroupShuffleSplit(n_splits=1, test_size=fraction, random_state=seed)
    train_idx, val_idx = next(splitter.split(everything, groups=groups))
    if len({rows[i]["stance"] for i in train_idx}) < 2 or len(val_idx) == 0:
        return everything, []
    return sorted(int(i) for i in train_idx), sorted(int(i) for i in val_idx)


class TransformerModel(ModelBase):
    """A sequence classifier fine-tuned from a pretrained encoder."""

    name = "transformer"
    description = "a transformer fine-tuned for sequence classification with a class-weighted loss"
    defaults: dict[str, Any] = {
        "base_model": "",
        "use_speaker": True,
        "speaker_form": "role",
        "use_context": False,
        "max_length": 128,
        "epochs": 8,
        "learning_rate": 1e-4,
        "batch_size": 16,
        "eval_batch_size": 16,
        "predict_batch_size": 32,
        "weight_decay": 0.01,
        "warmup": 0.1,
        "class_weights": True,
        "validation_fraction": 0.15,
        "early_stopping_patience": 2,
        "device": "auto",
    }
    positive = ("max_length", "epochs", "learning_rate", "batch_size", "eval_batch_size", "predict_batch_size")

    def __init__(self, config: dict[str, Any] | None = None, *, seed: int = 0) -> None:
        super().__init__(config, seed=seed)
        self.model: Any = None
        self.tokenizer: Any = None
        #: Show the Trainer's progress bar with the loss (the CLI turns it on).
        self.progress = False

    # -- training -----------------------------------------------------------------

    def _load_base(self) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        source = base_model_path(self.config["base_model"])
        if Path(source).is_dir():
            check_model_folder(Path(source))
        try:
            with quiet_transformers():
                self.tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=False)
                self.model = AutoModelForSequenceClassification.from_pretrained(
                    source,
                    num_labels=len(STANCES),
                    id2label=ID2LABEL,
                    label2id=LABEL2ID,
                    use_safetensors=True,
                    trust_remote_code=False,
                    ignore_mismatched_sizes=True,
                )
        except (OSError, ValueError) as exc:
            raise StanceError(f"can't load base model {source!r}: {_first_line(exc)}", field="base_model") from None

    def _encode(self, rows: Rows) -> dict[str, list[Any]]:
        texts, contexts = compose_all(rows, self.config)
        return dict(self.tokenizer(texts, contexts, truncation=True, max_length=int(self.config["max_length"])))

    def fit(self, train: Rows, *, validation: Rows | None = None) -> dict[str, Any]:
        """Fine-tune on ``train``; without ``validation``, hold out whole articles for early stopping."""
        import datasets
        import torch
        from transformers import (
            DataCollatorWithPadding,
            EarlyStoppingCallback,
            PrinterCallback,
            ProgressCallback,
            TrainingArguments,
            set_seed,
        )

        check_trainable(train)
        started = time.perf_counter()
        set_seed(self.seed)
        if validation is None and self.config["early_stopping_patience"] > 0:
            train_idx, val_idx = grouped_validation(train, float(self.config["validation_fraction"]), self.seed)
            train, validation = [train[i] for i in train_idx], [train[i] for i in val_idx] or None
        if self.config["early_stopping_patience"] <= 0:
            # 0 = off, even when the caller passes validation rows: Hugging Face's
            # EarlyStoppingCallback with patience 0 stops after the first epoch,
            # and load_best_model_at_end would swap in an earlier checkpoint.
            validation = None
        self._load_base()
        labels = check_trainable(train)
        train_set = datasets.Dataset.from_dict({**self._encode(train), "labels": labels})
        val_set = None
        if validation:
            val_set = datasets.Dataset.from_dict({**self._encode(validation), "labels": encode_labels(validation)})
        weights = None
        if self.config["class_weights"]:
            counts = [labels.count(i) for i in range(len(STANCES))]
            weights = torch.tensor(
                [len(labels) / (len(STANCES) * n) if n else 1.0 for n in counts], dtype=torch.float32
            )
        device = pick_device(self.config["device"])
        # quiet: checkpoint reloads and Trainer notices; the loss bar is the Trainer's own tqdm, not hushed.
        with trainer_scratch() as scratch, quiet_transformers():  # scratch: shared by the ranks of a torchrun launch
            args = TrainingArguments(
                output_dir=scratch,
                num_train_epochs=float(self.config["epochs"]),
                learning_rate=float(self.config["learning_rate"]),
                per_device_train_batch_size=int(self.config["batch_size"]),
                per_device_eval_batch_size=int(self.config["eval_batch_size"]),
                weight_decay=float(self.config["weight_decay"]),
                # Below 1, a share of all training steps: transformers >= 5 (pyproject requires it).
                warmup_steps=float(self.config["warmup"]),
                lr_scheduler_type="linear",
                eval_strategy="epoch" if val_set is not None else "no",
                save_strategy="epoch" if val_set is not None else "no",
                save_total_limit=1,
                save_only_model=True,
                load_best_model_at_end=val_set is not None,
                metric_for_best_model="eval_loss",
                greater_is_better=False,
                logging_strategy="epoch",
                report_to="none",
                seed=self.seed,
                data_seed=self.seed,
                use_cpu=device == "cpu",
                disable_tqdm=not self.progress,
                log_level="error",
                dataloader_num_workers=0,
            )
            callbacks = []
            if val_set is not None:
                callbacks.append(
                    EarlyStoppingCallback(early_stopping_patience=int(self.config["early_stopping_patience"]))
                )
            trainer = _weighted_trainer_class()(
                model=self.model,
                args=args,
                train_dataset=train_set,
                eval_dataset=val_set,
                processing_class=self.tokenizer,
                data_collator=DataCollatorWithPadding(self.tokenizer),
                callbacks=callbacks,
                class_weights=weights,
            )
            # Neither the stock bar (log lines on stdout) nor, without it, the
            # PrinterCallback (a loss dict per epoch on stdout, in every CV fold).
            trainer.remove_callback(PrinterCallback)
            trainer.remove_callback(ProgressCallback)
            if self.progress:
                trainer.add_callback(_loss_bar_class()())
            output = trainer.train()
            history = [entry for entry in trainer.state.log_history if "eval_loss" in entry]
            trainer.accelerator.wait_for_everyone()  # no rank leaves while another still reads the checkpoints
        self.model = trainer.model.eval()
        facts: dict[str, Any] = {
            "train_size": len(train),
            "validation_size": len(validation or []),
            "class_counts": class_counts(train),
            "device": device,
            "epochs_run": round(float(trainer.state.epoch or 0), 2),
            "train_loss": round(float(output.training_loss), 4),
            "steps": int(trainer.state.global_step),
            "world_size": int(args.world_size),
            "fit_seconds": round(time.perf_counter() - started, 3),
        }
        if history:
            facts["best_eval_loss"] = round(min(entry["eval_loss"] for entry in history), 4)
        return facts

    # -- inference ------------------------------------------------------------------

    def predict_proba(self, rows: Rows) -> np.ndarray:
        """``(n, 3)`` probabilities in STANCES order.

        The rows are tokenised once, then run in batches of similar token
        length, each padded only to its longest row, under inference mode.
        """
        import numpy as np
        import torch

        if self.model is None:
            raise StanceError("the model is not trained yet")
        out = np.zeros((len(rows), len(STANCES)), dtype=np.float64)
        if len(rows) == 0:
            return out
        encoded = self._encode(rows)
        lengths = [len(ids) for ids in encoded["input_ids"]]
        device = next(self.model.parameters()).device
        self.model.eval()
        with torch.inference_mode():
            for batch in batches_by_length(lengths, int(self.config["predict_batch_size"])):
                padded = self.tokenizer.pad({key: [values[i] for i in batch] for key, values in encoded.items()})
                inputs = {key: torch.tensor(values, device=device) for key, values in padded.items()}
                logits = self.model(**inputs).logits
                out[batch] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        return out

    # -- persistence ------------------------------------------------------------------

    def save(self, run_dir: Path) -> None:
        """A Hugging Face model directory (safetensors + tokenizer + label map) plus the marker."""
        if self.model is None:
            raise StanceError("the model is not trained yet")
        run_dir = Path(run_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
        with quiet_transformers():  # no "Writing model shards" bar
            self.model.save_pretrained(run_dir, safe_serialization=True)
            self.tokenizer.save_pretrained(run_dir)
        write_marker(run_dir, self.name, self.config, self.seed)

    @classmethod
    def load(cls, run_dir: Path) -> TransformerModel:
        """Load safetensors weights only, never remote code; check the label map."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        run_dir = Path(run_dir)
        marker = read_marker(run_dir)
        require_files(run_dir, ["config.json"])
        check_model_folder(run_dir)
        if not any(run_dir.glob("model*.safetensors")):
            raise StanceError("incomplete model directory: model.safetensors is missing", path=run_dir)
        model = cls(marker.get("config", {}), seed=int(marker.get("seed", 0)))
        try:
            with quiet_transformers():
                model.tokenizer = AutoTokenizer.from_pretrained(run_dir, trust_remote_code=False, local_files_only=True)
                model.model = AutoModelForSequenceClassification.from_pretrained(
                    run_dir, use_safetensors=True, trust_remote_code=False, local_files_only=True
                )
        except (OSError, ValueError) as exc:
            raise StanceError(f"can't load the model: {_first_line(exc)}", path=run_dir) from None
        labels = [model.model.config.id2label[i] for i in range(model.model.config.num_labels)]
        if labels != list(STANCES):
            raise StanceError(f"id2label is {labels}, expected {list(STANCES)}", path=run_dir / "config.json")
        model.model.to(pick_device(model.config["device"])).eval()
        return model


def _weighted_trainer_class() -> type:
    """A Trainer whose loss weighs each stance by its inverse frequency (built lazily: torch import)."""
    import torch
    from transformers import Trainer

    class WeightedTrainer(Trainer):
        def __init__(self, *args: Any, class_weights: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.class_weights = class_weights

        def compute_loss(self, model: Any, inputs: Any, return_outputs: bool = False, **kwargs: Any) -> Any:
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            weight = None if self.class_weights is None else self.class_weights.to(outputs.logits.device)
            loss = torch.nn.functional.cross_entropy(outputs.logits.float(), labels, weight=weight)
            return (loss, outputs) if return_outputs else loss

    return WeightedTrainer

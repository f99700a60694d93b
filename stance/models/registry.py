"""Find models by name, resolve their configs, create and load them.

The CLI, the evaluation and the annotation tool reach every model through
these functions and never import a model module themselves, so adding a
model is one module, one config file and one line in :data:`MODELS`. Model
modules are imported only when asked for, which keeps ``stance --help``
free of torch and scikit-learn.

Configs are data: the model class's ``defaults`` define which keys exist and
their types, ``models/<name>.toml`` in the project root holds the values a
user edits, and an unknown key or a wrongly typed value is an error naming
the file and the key.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stance.errors import StanceError
from stance.models.base import StanceModel
from stance.models.common import read_marker
from stance.paths import Root, find_root

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: name -> "module:Class". One line per model.
MODELS: dict[str, str] = {
    "tfidf": "stance.models.tfidf:TfidfModel",
    "transformer": "stance.models.transformer:TransformerModel",
    "embeddings": "stance.models.embeddings:EmbeddingModel",
    "mpnet": "stance.models.mpnet:MpnetModel",
    "ensemble": "stance.models.ensemble:EnsembleModel",
}


def available() -> list[str]:
    """The registered model names, in registration order."""
    return list(MODELS)


def _unknown(name: str) -> StanceError:
    return StanceError(f"Can't find {name!r}. Available names: {', '.join(MODELS)}")


def model_class(name: str) -> type[StanceModel]:
    """The class registered under ``name`` (imports its module now)."""
    if name not in MODELS:
        raise _unknown(name)
    module_name, _, class_name = MODELS[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def _defaults(name: str) -> dict[str, Any]:
    # The defaults live on the class, but importing the model module pulls in
    # sklearn or torch; the class attribute is plain data, so read it lazily.
    return dict(model_class(name).defaults)


def _check_value(key: str, value: Any, default: Any, *, path: Path | None) -> Any:
    """Coerce ``value`` to the type of ``default`` where that is lossless, else raise."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(default, list):
        if isinstance(value, list):
            return value
    elif isinstance(default, str):
        if isinstance(value, str):
            return value
    elif isinstance(default, dict):
        if isinstance(value, dict):
            return value
    else:  # pragma: no cover - defaults are TOML scalars or lists
        return value
    raise StanceError(
        f"expected {type(default).__name__}, got {type(value).__name__} ({value!r})", path=path, field=key
    )


def _merge(config: dict[str, Any], updates: Mapping[str, Any], defaults: dict[str, Any], *, path: Path | None) -> None:
    for key, value in updates.items():
        if key not in defaults:
            raise StanceError(f"unknown key; allowed: {', '.join(sorted(defaults))}", path=path, field=key)
        config[key] = _check_value(key, value, defaults[key], path=path)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict, with a located error for a missing or broken file."""
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise StanceError("config file not found", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise StanceError(f"bad TOML: {exc}", path=path) from None


def config_file(name: str, root: Root | None = None) -> Path:
    """Where the project keeps the editable config of model ``name``."""
    return (root or find_root()).models / f"{name}.toml"


def load_config(
    name: str,
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    root: Root | None = None,
) -> dict[str, Any]:
    """The resolved config of model ``name``.

    Layers, later wins: the model's defaults, ``models/<name>.toml`` of the
    project root (if present), the file ``path`` (if given), ``overrides``.
    """
    defaults = _defaults(name)
    config = dict(defaults)
    project_file = config_file(name, root)
    if project_file.is_file():
        _merge(config, read_toml(project_file), defaults, path=project_file)
    if path is not None:
        _merge(config, read_toml(Path(path)), defaults, path=Path(path))
    if overrides:
        _merge(config, overrides, defaults, path=None)
    return config


def checked_run_config(name: str, config: Mapping[str, Any], *, path: Path) -> dict[str, Any]:
    """A saved run's config, every known key type-checked like a config file (``seed: "abc"`` is an error).

    Keys a newer or older version no longer knows are kept as they are: a
    run directory outlives the code that wrote it.
    """
    if name not in MODELS:
        return dict(config)
    defaults = _defaults(name)
    checked = dict(config)
    for key, value in config.items():
        if key in defaults:
            checked[key] = _check_value(key, value, defaults[key], path=path)
    return checked


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``["epochs=2", "base_model=roberta-base"]`` -> ``{"epochs": 2, "base_model": "roberta-base"}``.

    Values are read as TOML (numbers, booleans, lists), and fall back to a
    plain string so a path or hub id needs no quoting on the command line.
    """
    result: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise StanceError(f"expected key=value, got {pair!r}", field="--set")
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        result[key] = value
    return result


def create(name: str, *, config: Mapping[str, Any] | None = None, seed: int = 0) -> StanceModel:
    """A fresh, untrained model; ``config`` defaults to :func:`load_config`."""
    cls = model_class(name)
    if config is None:
        config = load_config(name)
    else:
        defaults = dict(cls.defaults)
        merged = dict(defaults)
        _merge(merged, config, defaults, path=None)
        config = merged
    return cls(config, seed=seed)


def load_model(run_dir: str | Path) -> StanceModel:
    """Load a saved model of whatever kind ``run_dir`` holds."""
    run_dir = Path(run_dir)
    marker = read_marker(run_dir)
    if marker["model"] not in MODELS:
        raise StanceError(
            f"unknown model kind {marker['model']!r}. Available names: {', '.join(MODELS)}", path=run_dir, field="model"
        )
    cls = model_class(marker["model"])
    return cls.load(run_dir)

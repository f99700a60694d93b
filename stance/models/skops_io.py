"""Safe persistence of scikit-learn objects with skops.

Loading a pickle runs arbitrary code, so fitted scikit-learn parts are saved
with skops. skops on its own trusts every scikit-learn class; we trust only
the explicit list each model gives, read from the file's schema before
anything is rebuilt, and refuse the rest with a clear error.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from stance.errors import StanceError
from stance.models.common import ModelBase, read_marker, require_files, write_marker

M = TypeVar("M", bound=ModelBase)


def schema_types(path: Path) -> set[str]:
    """Every ``module.Class`` named in a skops file's schema, without loading anything."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("__module__"), str) and isinstance(node.get("__class__"), str):
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def dump(obj: Any, path: Path) -> None:
    """Write ``obj`` to ``path`` (compressed), via a temporary file renamed into place."""
    import skops.io as sio

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    sio.dump(obj, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    tmp.replace(path)


def load(path: Path, trusted: Sequence[str], expected: type | None = None) -> Any:
    """Rebuild the object in ``path``, refusing any type outside ``trusted``.

    With ``expected``, the object must also be a fitted estimator of that
    type: a tree made only of trusted types can still be malformed (a
    pipeline without its steps), and would otherwise fail deep inside
    scikit-learn at the first prediction.
    """
    import skops.io as sio

    try:
        found = schema_types(path) | set(sio.get_untrusted_types(file=path))
    except Exception as exc:  # a corrupt zip raises many kinds
        raise StanceError(f"unreadable skops file: {exc}", path=path) from None
    untrusted = sorted(found - set(trusted))
    if untrusted:
        raise StanceError(f"refusing to load untrusted types: {', '.join(untrusted)}", path=path)
    try:
        obj = sio.load(path, trusted=list(trusted))
        if expected is not None:
            from sklearn.utils.validation import check_is_fitted

            if not isinstance(obj, expected):
                raise TypeError(f"expected a {expected.__name__}, found a {type(obj).__name__}")
            check_is_fitted(obj)
            if not hasattr(obj, "predict_proba") or not hasattr(obj, "classes_"):
                raise TypeError("the estimator has no predict_proba or classes_")
    except Exception as exc:  # noqa: BLE001 - a malformed tree of trusted types fails deep inside skops, in many ways
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StanceError(f"malformed skops file ({type(exc).__name__}: {reason})", path=path) from None
    return obj


def save_run(run_dir: Path, filename: str, estimator: Any, model: ModelBase) -> None:
    """Save a model whose learned part is one scikit-learn ``estimator``: ``filename`` plus the marker.

    The tfidf pipeline and the embeddings head are both this; one function
    keeps their run directories alike.
    """
    if estimator is None:
        raise StanceError("the model is not trained yet")
    dump(estimator, Path(run_dir) / filename)
    write_marker(Path(run_dir), model.name, model.config, model.seed)


def load_run(
    cls: type[M], run_dir: Path, filename: str, trusted: Sequence[str], expected: type | None = None
) -> tuple[M, Any]:
    """A model of class ``cls`` with its saved config and seed, and its estimator (``trusted`` types only).

    ``expected`` is passed to :func:`load`: the estimator must be a fitted one of that type.
    """
    run_dir = Path(run_dir)
    marker = read_marker(run_dir)
    require_files(run_dir, [filename])
    model = cls(marker.get("config", {}), seed=int(marker.get("seed", 0)))
    return model, load(run_dir / filename, trusted, expected=expected)

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
from typing import Any

from stance.errors import StanceError


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

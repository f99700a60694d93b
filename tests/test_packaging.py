"""pyproject.toml states what the code relies on."""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PROJECT = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirement(name: str) -> Requirement:
    found = [Requirement(line) for line in PROJECT["dependencies"] if Requirement(line).name == name]
    assert len(found) == 1, name
    return found[0]


def test_transformers_is_a_version_where_a_fractional_warmup_is_a_ratio():
    """The transformer passes ``warmup_steps=0.1``: a tenth of the steps in 5, a step count (no warmup) in 4.x."""
    specifier = _requirement("transformers").specifier
    assert not specifier.contains("4.57.3") and specifier.contains("5.0.0")


def test_license_is_an_spdx_string():
    """The table form (``{text = "MIT"}``) is deprecated and warns on every install."""
    assert PROJECT["license"] == "MIT"

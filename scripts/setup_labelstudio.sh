#!/usr/bin/env bash
# Create .venv-labelstudio with the Label Studio version the round trip was verified
# against. It is a venv of its own: Label Studio pins Django, numpy, pandas and
# many more, which must not move the pins of stance's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-labelstudio/bin/python ] || python3 -m venv .venv-labelstudio
.venv-labelstudio/bin/python -m pip install --quiet --retries 10 --timeout 60 "label-studio==1.23.2"

#!/usr/bin/env bash
# Create ./.venv (if needed) and install skcromel with its test and plot extras.
#
# torch is pinned to the CPU build first: an unpinned torch would pull a multi-GB CUDA build.
# On a machine without a local wheel, point pip at the CPU index, e.g.
#   PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu bash scripts/bootstrap.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==${SKCROMEL_TORCH_VERSION:-2.13.0}"
.venv/bin/python -m pip install --quiet -e ".[test,plot]"
.venv/bin/python -c "import skcromel, torch; print('skcromel', skcromel.__version__, '| torch', torch.__version__)"

#!/usr/bin/env bash
# Create (once) a Python venv holding a pinned Frictionless, for the
# benchmark baseline scripts/bench/frictionless.py.
#
#   bash scripts/bench/frictionless-setup.sh TARGET_DIR    # e.g. target/bench/venv
#
# Idempotent: does nothing when TARGET_DIR already has frictionless at the
# pinned version. Progress goes to stderr; the last line on stdout is the
# venv's python path.
set -euo pipefail

FRICTIONLESS_VERSION="5.21.0"   # pinned; latest on PyPI when the baseline was written

if [ $# -ne 1 ]; then
  echo "usage: $0 TARGET_DIR" >&2
  exit 2
fi
target="$1"
py="$target/bin/python"

installed_version() {
  "$py" -c 'import importlib.metadata as m; print(m.version("frictionless"))' 2>/dev/null || true
}

if [ -x "$py" ] && [ "$(installed_version)" = "$FRICTIONLESS_VERSION" ]; then
  echo "frictionless $FRICTIONLESS_VERSION already installed in $target" >&2
else
  if [ ! -x "$py" ]; then
    base=""
    for cand in python3.11 python3; do
      if command -v "$cand" >/dev/null 2>&1; then base="$cand"; break; fi
    done
    if [ -z "$base" ]; then
      echo "error: no python3 found" >&2
      exit 1
    fi
    echo "creating venv $target with $("$base" --version 2>&1)" >&2
    mkdir -p "$(dirname "$target")"
    "$base" -m venv "$target" >&2
  fi
  echo "installing frictionless==$FRICTIONLESS_VERSION into $target" >&2
  "$py" -m pip install --disable-pip-version-check --quiet "frictionless==$FRICTIONLESS_VERSION" >&2
  got="$(installed_version)"
  if [ "$got" != "$FRICTIONLESS_VERSION" ]; then
    echo "error: frictionless version in venv is '$got', wanted $FRICTIONLESS_VERSION" >&2
    exit 1
  fi
fi

# Absolute path, so callers can run it from any directory.
echo "$(cd "$(dirname "$py")" && pwd)/$(basename "$py")"

#!/usr/bin/env bash
# Makes .venv-fuzz, a Python virtual environment with the schemathesis of test/fuzz/requirements.txt
# (every package pinned), unless it is there already with exactly those packages. Used by npm run test:fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${FUZZ_VENV:-.venv-fuzz}"
requirements=test/fuzz/requirements.txt
stamp="$venv/.requirements"
if [ -x "$venv/bin/st" ] && cmp -s "$requirements" "$stamp"; then exit 0; fi
python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { echo "fuzz-venv: $python not found (schemathesis needs Python 3.10 or later)" >&2; exit 1; }
echo "fuzz-venv: installing schemathesis into $venv" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --requirement "$requirements"
cp "$requirements" "$stamp"
"$venv/bin/st" --version >&2

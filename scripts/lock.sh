#!/usr/bin/env bash
# Regenerate constraints.txt: every transitive dependency of requirements-dev.txt pinned, resolved by
# pip-tools' pip-compile (in a throwaway venv under var/, so pip-tools is no dependency of Moodmix).
# `make venv` and CI install with `-c constraints.txt`. Run after changing requirements*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=var/lock-venv
[ -x "$tools/bin/pip-compile" ] || { python3 -m venv "$tools" && "$tools/bin/pip" install -q pip-tools==7.6.2; }
"$tools/bin/pip-compile" --quiet --strip-extras --allow-unsafe --no-emit-find-links --no-emit-index-url \
  --output-file constraints.txt requirements-dev.txt
# pip resolves torch==2.13.0 to the machine's local CPU wheel (2.13.0+cpu, see docs/environment.md). The
# constraint keeps the public version, as requirements.txt does, so a machine without that wheel still
# installs; where it exists, pip prefers it (a local version sorts above the plain one).
sed -i -E 's/^torch==([^+ ]+)\+cpu/torch==\1/' constraints.txt
echo "constraints.txt: $(grep -cE '^[A-Za-z0-9_.-]+==' constraints.txt) pinned packages"

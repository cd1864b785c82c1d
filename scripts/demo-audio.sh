#!/usr/bin/env bash
# The demo soundtracks the tests use: real Ogg Vorbis from two Debian game-soundtrack packages (8 files,
# 27 MB), copied into ${MOODMIX_CACHE:-~/.cache/moodmix}/demo-audio, the .debs cached beside it (see
# tests/demo_audio.py). Idempotent: a filled folder is left alone. CI runs it, so the tests that need real
# recordings run there instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -m tests.demo_audio; then
  # apt-get download needs package lists, which a machine that already had every system dep may lack.
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  .venv/bin/python -m tests.demo_audio
fi

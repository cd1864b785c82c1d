#!/usr/bin/env bash
# Debian packages Moodmix needs beyond Python: ffmpeg (m4a/AAC uploads; CI decodes as users do),
# FluidSynth + a General MIDI soundfont to render the corpus, espeak-ng for synthetic speech, Debian's
# Chromium for the real-browser tests (Playwright drives /usr/bin/chromium; never `playwright install`),
# and Redis when no broker runs on this machine. Idempotent.
set -euo pipefail
need=()
for pkg in ffmpeg fluidsynth fluid-soundfont-gm espeak-ng chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ! command -v redis-server >/dev/null 2>&1; then need+=(redis-server); fi
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

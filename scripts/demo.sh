#!/usr/bin/env bash
# Run Moodmix with a demo catalogue at http://127.0.0.1:8000: the web server, a Celery worker and beat start
# first (pages within seconds of the venv being ready); real soundtrack audio is then fetched and imported
# in the background, and the catalogue page shows the tracks arriving and being analysed. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
PY=.venv/bin/python
VAR="${MOODMIX_VAR_DIR:-var}"
BIND="${MOODMIX_BIND:-127.0.0.1:8000}"
mkdir -p "$VAR/log"
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping Moodmix..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${DATABASE_URL:-}" ] || $PY manage.py dbserver stop
}
trap cleanup INT TERM EXIT

[ -n "${DATABASE_URL:-}" ] || $PY manage.py dbserver start
# --skip-checks: the system checks import every view (and with them torch); the web server runs them.
$PY manage.py migrate --noinput --skip-checks -v 0
$PY manage.py runserver "$BIND" --noreload >"$VAR/log/web.log" 2>&1 &
pids+=($!)
admin_line="$($PY manage.py demo_admin --no-color)"
for _ in $(seq 600); do
  $PY - "$BIND" <<'PY' 2>/dev/null && break
import sys, urllib.request
urllib.request.urlopen(f"http://{sys.argv[1]}/", timeout=5)
PY
  sleep 0.2
done
# The web answers first; the worker and beat start now rather than compete with it for the CPU.
.venv/bin/celery -A recommender worker -Q analysis,index,default --concurrency=1 --loglevel=INFO \
  >"$VAR/log/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A recommender beat --loglevel=INFO >"$VAR/log/beat.log" 2>&1 &
pids+=($!)

# Fetch (cached outside the repo after the first time) and import in the background; only the audio, not
# the soundtracks' LICENCES.md.
(
  $PY -m ml.corpus demo-tracks --out "$VAR/demo-audio" --count "${DEMO_TRACKS:-36}" &&
    find "$VAR/demo-audio" -type f ! -name LICENCES.md -print0 |
    xargs -0 $PY manage.py import_audio --public --verbosity 1
) >"$VAR/log/demo-import.log" 2>&1 &
pids+=($!)

cat <<BANNER

  Moodmix is running at http://$BIND
  $admin_line   (admin pages: http://$BIND/admin/)

  Soundtracks are being fetched and imported in the background: the catalogue fills as they arrive
  and the worker analyses them. Logs: $VAR/log/ (web, worker, beat, demo-import). Ctrl-C stops it all.

BANNER
wait

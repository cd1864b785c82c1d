#!/usr/bin/env bash
# Set up and run Moodmix with a demo catalogue: database, migrations, a demo admin, real soundtrack audio,
# a Celery worker and the web server at http://127.0.0.1:8000. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
PY=.venv/bin/python
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping Moodmix..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${DATABASE_URL:-}" ] || $PY manage.py dbserver stop
}
trap cleanup INT TERM EXIT

$PY manage.py migrate --noinput
$PY manage.py demo_admin
mkdir -p var/log
.venv/bin/celery -A recommender worker -Q analysis,index,default --concurrency=1 --loglevel=INFO \
  >var/log/worker.log 2>&1 &
pids+=($!)
$PY -m ml.corpus demo-tracks --out var/demo-audio --count "${DEMO_TRACKS:-36}"
# Only the audio: the folder also holds the soundtracks' LICENCES.md.
find var/demo-audio -type f ! -name LICENCES.md -print0 | xargs -0 $PY manage.py import_audio --public
$PY manage.py runserver 127.0.0.1:8000 --noreload &
pids+=($!)
echo "Moodmix is running at http://127.0.0.1:8000 (worker log: var/log/worker.log). Ctrl-C stops it."
wait

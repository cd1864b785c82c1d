#!/usr/bin/env bash
# Run Moodmix's production stack locally: gunicorn (static files by whitenoise), a Celery worker and beat,
# DEBUG off, a SECRET_KEY generated once and kept in var/secret-key. Plain HTTP on 127.0.0.1 (put a TLS
# proxy in front and unset MOODMIX_HTTPS=0 to serve others). Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
VAR="${MOODMIX_VAR_DIR:-var}"
BIND="${MOODMIX_BIND:-127.0.0.1:8000}"
mkdir -p "$VAR/log"

export DEBUG=0
export MOODMIX_HTTPS="${MOODMIX_HTTPS:-0}"
if [ -z "${SECRET_KEY:-}" ]; then
  if [ ! -s "$VAR/secret-key" ]; then
    (umask 077; $PY -c 'import secrets; print(secrets.token_urlsafe(50))' >"$VAR/secret-key")
  fi
  SECRET_KEY="$(cat "$VAR/secret-key")"
  export SECRET_KEY
fi

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
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v 0
$PY manage.py check --deploy --fail-level WARNING
.venv/bin/celery -A recommender worker -Q analysis,index,default --concurrency=1 --loglevel=INFO \
  >"$VAR/log/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A recommender beat --loglevel=INFO >"$VAR/log/beat.log" 2>&1 &
pids+=($!)
.venv/bin/gunicorn recommender.wsgi --bind "$BIND" --workers "${WEB_WORKERS:-2}" --timeout 120 \
  --access-logfile "$VAR/log/access.log" --error-logfile "$VAR/log/web.log" &
pids+=($!)
echo "Moodmix (production settings) is running at http://$BIND (logs: $VAR/log/). Ctrl-C stops it."
wait

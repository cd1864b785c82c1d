# Moodmix: the two commands a newcomer needs are `make demo` and `make test`.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
VENV_OK := .venv/.installed

.PHONY: demo serve test lint format venv lock system-deps models corpus stop clean-var

$(VENV_OK): requirements.txt requirements-dev.txt constraints.txt
	python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt -c constraints.txt
	touch $@

venv: $(VENV_OK) ## create .venv and install the pinned requirements (every transitive one: constraints.txt)

lock: ## regenerate constraints.txt with pip-compile after editing requirements*.txt
	scripts/lock.sh

system-deps: ## Debian packages: ffmpeg (m4a), corpus rendering and speech (fluidsynth, soundfont, espeak-ng), redis
	scripts/system-deps.sh

demo: $(VENV_OK) ## set up and run Moodmix with a demo catalogue at http://127.0.0.1:8000 (Ctrl-C stops)
	scripts/demo.sh

serve: $(VENV_OK) ## production stack locally: gunicorn + worker + beat, DEBUG off, SECRET_KEY in var/
	scripts/serve.sh

test: $(VENV_OK) ## the whole test suite, slow tests included (real PostgreSQL, real Celery worker)
	$(PY) -m pytest

lint: $(VENV_OK)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: $(VENV_OK)
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

corpus: $(VENV_OK) ## build the offline training corpus under var/corpus
	$(PY) -m ml.corpus build --out var/corpus

models: corpus ## train, evaluate and write the default model bundle into ml/bundles/
	scripts/train-default-model.sh

worker-cpu: $(VENV_OK) ## analysis worker on the CPU: one process per core, one thread each (docs/analysis.md)
	MOODMIX_DEVICE=cpu .venv/bin/celery -A recommender worker --loglevel=INFO \
	  -Q $${QUEUES:-analysis,index,default} --concurrency=$${CONCURRENCY:-$$(nproc)}

worker-gpu: $(VENV_OK) ## analysis worker on CUDA: one process owns the GPU, batched windows (docs/analysis.md)
	MOODMIX_DEVICE=$${MOODMIX_DEVICE:-cuda} .venv/bin/celery -A recommender worker --loglevel=INFO \
	  -Q analysis --pool=solo --hostname=gpu@%h

stop: ## stop the embedded PostgreSQL
	DEBUG=1 $(PY) manage.py dbserver stop

clean-var: stop ## delete all runtime state (database, media, broker folders)
	rm -rf var

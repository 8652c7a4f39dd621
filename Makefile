# backproplab: `make lab` opens the lessons, `make test` runs every test and notebook,
# `make test-ui` runs every lesson in JupyterLab in a headless Chromium.
# Needs GNU make and python3 (>= 3.10). Everything else goes into ./.venv.

SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UI_STAMP := $(VENV)/.installed-ui

# Extra options, e.g. `make test PYTEST_ARGS=-x` or `make lab LAB_ARGS=--no-browser`.
PYTEST_ARGS ?=
LAB_ARGS ?=

# JupyterLab refuses to start as root unless told it is fine.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
BENCHES := $(sort $(wildcard benchmarks/bench_*.py))

# Progress bars would make outputs differ from run to run. `from tqdm import tqdm` obeys
# this, also in the kernels nbval and nbconvert start; tqdm.auto / tqdm.notebook in a
# kernel do NOT (they pass disable=False). `make lab` keeps its bars.
test notebooks: export TQDM_DISABLE := 1

DOT_HINT := note: the graphviz program "dot" is missing, so graph drawings will fail; \
install it with: apt-get install graphviz | brew install graphviz | \
conda install -c conda-forge graphviz

.PHONY: venv lab test test-ui notebooks bench lint clean dot-hint

# The virtual environment: created when missing, (re)installed when pyproject.toml changes.
venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --progress-bar off -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name python3
	@touch $@

dot-hint:
	@command -v dot >/dev/null 2>&1 || echo '$(DOT_HINT)'

lab: venv dot-hint
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(ALLOW_ROOT) $(LAB_ARGS)

# One pytest run: unit tests in tests/ and every notebook cell in notebooks/ (nbval).
# The browser test in tests/ui/ is left out: `make test-ui` runs it.
test: venv dot-hint
	$(PY) -m pytest tests notebooks --ignore=tests/ui --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg $(PYTEST_ARGS)

# The `ui` extra (playwright) on top of the venv, (re)installed when pyproject.toml changes.
# Playwright drives the Chromium or Chrome found on PATH: no browser download.
$(UI_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --progress-bar off -e '.[test,ui]'
	@touch $@

# Every lesson opened, run and clicked through in JupyterLab in a headless Chromium
# (tests/ui/test_lessons_in_browser.py); screenshots go to build/ui-screenshots/.
test-ui: $(UI_STAMP) dot-hint
	$(PY) -m pytest tests/ui $(PYTEST_ARGS)

# Re-run every lesson in a fresh kernel and store its outputs (execution counts 1..n).
notebooks: venv
ifeq ($(NOTEBOOKS),)
	@echo "no notebooks/[0-9]*.ipynb yet: nothing to execute"
else
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 \
		$(NOTEBOOKS)
endif

bench: venv
ifeq ($(BENCHES),)
	@echo "no benchmarks/bench_*.py yet: nothing to run"
else
	@set -e; for f in $(BENCHES); do \
		echo "== $$f"; \
		OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) $$f; \
	done
endif

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +

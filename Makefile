# backproplab: `make lab` opens your working copy of the lessons, `make test` runs every test
# and notebook, `make test-ui` runs every lesson in JupyterLab in a headless Chromium,
# `make site` builds the lessons' website in build/site/.
# Needs GNU make and python3 (>= 3.10). Everything else goes into ./.venv.

SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
UI_STAMP := $(VENV)/.installed-ui
SITE_STAMP := $(VENV)/.installed-site

# `make lab` opens a working copy of the lessons here (git-ignored), never notebooks/ itself,
# so running a lesson does not change the notebooks that `make test` checks.
LAB_DIR ?= lab
# `make lab-refresh LESSON=03`: a fresh copy of lesson 03 only (default: every lesson).
LESSON ?=
SITE_DIR ?= build/site

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
# One BLAS thread: on the 2-core machines small matrix products are faster and steadier so
# (several threads fight over the cores), and printed numbers do not depend on the thread count.
test notebooks: export OMP_NUM_THREADS := 1
test notebooks: export OPENBLAS_NUM_THREADS := 1
test notebooks: export MKL_NUM_THREADS := 1

DOT_HINT := note: the graphviz program "dot" is missing, so graph drawings use a simpler \
built-in layout; for the graphviz layout install it with: apt-get install graphviz | \
brew install graphviz | conda install -c conda-forge graphviz

.PHONY: venv lab lab-copy lab-refresh test test-ui test-site site notebooks bench lint clean \
	dot-hint

# The virtual environment: created when missing, (re)installed when pyproject.toml changes.
venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --progress-bar off -e '.[test,lab]'
	$(PY) -m ipykernel install --sys-prefix --name python3
	@touch $@

dot-hint:
	@command -v dot >/dev/null 2>&1 || echo '$(DOT_HINT)'

# Copies the lessons that are not in $(LAB_DIR) yet (all of them on the first run); a lesson
# you changed is kept, and the copy says so. Same code as `backproplab lessons DEST`.
lab-copy: venv
	$(PY) -m backproplab lessons $(LAB_DIR) --quiet

lab: lab-copy dot-hint
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(LAB_DIR) $(ALLOW_ROOT) $(LAB_ARGS)

# Replaces your copies with fresh ones: every lesson, or one with LESSON=03.
lab-refresh: venv
	$(PY) -m backproplab lessons $(LAB_DIR) --force $(if $(LESSON),--only $(LESSON),)

# One pytest run: unit tests in tests/ and every notebook cell in notebooks/ (nbval).
# The browser test in tests/ui/ is left out: `make test-ui` runs it.
test: venv dot-hint
	$(PY) -m pytest tests notebooks --ignore=tests/ui --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg $(PYTEST_ARGS)

# The `ui` extra (playwright) on top of the venv, (re)installed when pyproject.toml changes.
# Playwright drives the Chromium or Chrome found on PATH: no browser download.
$(UI_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --progress-bar off -e '.[test,lab,ui]'
	@touch $@

# Every lesson opened, run and clicked through in JupyterLab in a headless Chromium
# (tests/ui/test_lessons_in_browser.py); screenshots go to build/ui-screenshots/.
test-ui: $(UI_STAMP) dot-hint
	$(PY) -m pytest tests/ui --ignore=tests/ui/test_site.py $(PYTEST_ARGS)

# The `site` extra (Sphinx, myst-nb, furo, MathJax files) on top of the venv.
$(SITE_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --progress-bar off -e '.[test,lab,site]'
	@touch $@

# A static website of every lesson with its stored outputs (nothing is executed), in
# $(SITE_DIR)/; open $(SITE_DIR)/index.html. docs/ holds its configuration.
site: $(SITE_STAMP)
	rm -rf $(SITE_DIR)
	$(PY) -m sphinx -b html -q -W --keep-going -d build/site-doctrees docs $(SITE_DIR)

# The built site in a headless Chromium: every lesson page, its figures and links
# (tests/ui/test_site.py); screenshots go to build/site-screenshots/.
test-site: site $(UI_STAMP)
	$(PY) -m pytest tests/ui/test_site.py $(PYTEST_ARGS)

# Re-run every lesson in a fresh kernel and store its outputs (execution counts 1..n).
# The coalescing preprocessor runs after execution: one print is stored as one text, not
# split where the kernel happened to flush (which GitHub and nbconvert show as a broken line).
notebooks: venv
ifeq ($(NOTEBOOKS),)
	@echo "no notebooks/[0-9]*.ipynb yet: nothing to execute"
else
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 \
		--NotebookExporter.preprocessors=nbconvert.preprocessors.CoalesceStreamsPreprocessor \
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

# (`make clean` leaves $(LAB_DIR)/ alone: it holds your work.)
clean:
	rm -rf $(VENV) build dist *.egg-info docs/lessons .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +

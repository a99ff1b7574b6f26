# Momentum Lab: `make report` builds reports/index.html, `make test` runs the tests (`make test-slow` the larger examples).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORES  ?= 4
CHROMIUM := /usr/bin/chromium

.PHONY: report test test-slow venv browser benchmarks clean

report: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)

test: $(STAMP) browser
	$(BIN)/python -m pytest

# The larger property examples that `make test` leaves out (pyproject's addopts: -m "not slow").
test-slow: $(STAMP) browser
	$(BIN)/python -m pytest -m slow

venv: $(STAMP)

# The virtual environment, rebuilt whenever the pinned dependencies change.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The report's browser test drives Debian's chromium through Playwright.
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/optimizers.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/landscape.py
	$(BIN)/python benchmarks/sharpness.py
	$(BIN)/python benchmarks/pipeline.py
	test -f reports/index.html || $(BIN)/snakemake --cores $(CORES)
	$(BIN)/python benchmarks/report_load.py
	$(BIN)/python benchmarks/budget.py

clean:
	rm -rf results reports/*/ reports/*.html reports/*.json reports/*.pptx logs .snakemake

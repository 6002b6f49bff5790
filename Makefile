# seqlab: `make lab` to study, `make test` to check everything.
# Both create .venv when it is missing and install the package into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.seqlab-installed
ARGS   ?=

export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

.PHONY: lab test execute labs lint setup clean benchmark

setup: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name seqlab --display-name "Python (seqlab)" \
		--env TF_CPP_MIN_LOG_LEVEL 3 --env PYTHONHASHSEED 0
	touch $@

## lab: start JupyterLab at the course (pass JupyterLab options with ARGS="--port 8899")
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. $(ARGS)

## test: unit tests, labs in sync, grader end to end, every notebook under nbval
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m seqlab labs check
	$(BIN)/python -m pytest -n 2 --dist loadfile $(ARGS)

## execute: re-run notebooks/ and solutions/ in a clean kernel and save their outputs
## (one notebook: make execute NOTEBOOKS=notebooks/01_sequence_data.ipynb)
NOTEBOOKS ?= notebooks/*.ipynb solutions/*.ipynb
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=seqlab --ExecutePreprocessor.timeout=600 $(NOTEBOOKS)
	$(BIN)/python -m seqlab labs build

## labs: regenerate labs/ from solutions/
labs: $(STAMP)
	$(BIN)/python -m seqlab labs build

lint: $(STAMP)
	$(BIN)/ruff check .

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run_notebooks.py

clean:
	rm -rf $(VENV) build dist *.egg-info

# seqlab: `make lab` to study, `make test` to check everything.
# Both create .venv when it is missing and install the package into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.seqlab-installed
ARGS   ?=

export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

.PHONY: lab test execute labs lint setup clean benchmark lock upgrade

setup: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock tools/install-venv | $(BIN)/python
	tools/install-venv $(VENV)
	$(BIN)/python -m seqlab.kernel install
	cp tools/jupyter_server_config.json $(VENV)/etc/jupyter/jupyter_server_config.json
	touch $@

## lab: start JupyterLab at the course (pass JupyterLab options with ARGS="--port 8899")
# JupyterLab refuses to run as root without --allow-root (containers, cloud sandboxes).
USER_ID ?= $(shell id -u)
ROOT_FLAGS := $(if $(filter 0,$(USER_ID)),--allow-root)
lab: $(STAMP)
	@$(if $(ROOT_FLAGS),echo "seqlab: running as root: JupyterLab is started with --allow-root")
	$(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAGS) $(ARGS)

## test: unit tests, labs in sync, grader end to end, every notebook under nbval
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m seqlab labs check
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder $(ARGS)

## execute: re-run notebooks/ and solutions/ in a clean kernel and save their outputs
## (one notebook: make execute NOTEBOOKS=notebooks/01_sequence_data.ipynb)
NOTEBOOKS ?= notebooks/*.ipynb solutions/*.ipynb
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=seqlab --ExecutePreprocessor.timeout=600 \
		--ExecutePreprocessor.startup_timeout=300 $(NOTEBOOKS)
	$(BIN)/python -m seqlab labs build

## labs: regenerate labs/ from solutions/
labs: $(STAMP)
	$(BIN)/python -m seqlab labs build

lint: $(STAMP)
	$(BIN)/ruff check .

## lock: re-resolve requirements.lock after editing the dependencies in pyproject.toml
## upgrade: the same, moving every package to its newest allowed version
## (then re-run `make execute` and commit the lock with the refreshed outputs)
LOCK := uv pip compile pyproject.toml --extra dev --universal --python-version 3.10 \
	--quiet -o requirements.lock
lock: $(STAMP)
	PATH="$(BIN):$$PATH" $(LOCK)

upgrade: $(STAMP)
	PATH="$(BIN):$$PATH" $(LOCK) --upgrade

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run_notebooks.py

clean:
	rm -rf $(VENV) build dist *.egg-info

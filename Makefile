# Python 3.13: a working python3.13 on PATH, else the pyenv-installed one (the bare pyenv shim
# does not resolve unless PYENV_VERSION names it).
PYENV_PY313 := $(shell command -v pyenv >/dev/null 2>&1 && echo "$$(pyenv root)/versions/3.13.0/bin/python3.13")
PYTHON313 := $(shell if python3.13 -c 'import sys' >/dev/null 2>&1; then command -v python3.13; \
	elif [ -n "$(PYENV_PY313)" ] && [ -x "$(PYENV_PY313)" ]; then echo "$(PYENV_PY313)"; fi)
PY313_BIN := $(patsubst %/,%,$(dir $(PYTHON313)))
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv run test lint typecheck unit integration e2e demo validate build clean bench

venv: $(STAMP)

$(STAMP): pyproject.toml dev/pyproject.toml layers/common/requirements.txt
	@if [ -z "$(PYTHON313)" ]; then echo "Python 3.13 not found: install python3.13 on PATH or 'pyenv install 3.13.0'." >&2; exit 1; fi
	@if [ ! -x $(VPY) ] || ! $(VPY) -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then \
		rm -rf $(VENV) && $(PYTHON313) -m venv $(VENV); fi
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e '.[dev]' -e ./dev
	@touch $(STAMP)

run: venv
	$(VPY) -m proxyhub_dev.local

demo: venv
	$(VPY) -m proxyhub_dev.local.demo

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: venv
	$(VENV)/bin/mypy

test: lint typecheck
	$(VPY) -m pytest -q

validate: venv
	$(VENV)/bin/cfn-lint template.yaml
	@if $(VENV)/bin/cfn-lint tests/templates/known_bad.yaml >/dev/null 2>&1; then \
		echo "cfn-lint accepted tests/templates/known_bad.yaml: the linter is not checking SAM resources" >&2; exit 1; fi
	$(VENV)/bin/sam validate --region us-east-1 --template-file template.yaml

build: venv
	PATH="$(PY313_BIN):$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sam build --template-file template.yaml
	@# The layer ships the proxyhub package only: the local stack and the simulators stay in dev/.
	@if find .aws-sam/build/CommonLayer/python -path '*proxyhub*' \( -name local -o -name simulators -o -name 'proxyhub_dev*' \) | grep .; then \
		echo "development code found in the built Lambda layer" >&2; exit 1; fi

bench: venv
	$(VPY) bench/inventory_sync.py

clean:
	rm -rf $(VENV) .aws-sam .mypy_cache .pytest_cache .ruff_cache

# Python 3.13: a working python3.13 on PATH, else the pyenv-installed one (the bare pyenv shim
# does not resolve unless PYENV_VERSION names it).
PYENV_PY313 := $(shell command -v pyenv >/dev/null 2>&1 && echo "$$(pyenv root)/versions/3.13.0/bin/python3.13")
PYTHON313 := $(shell if python3.13 -c 'import sys' >/dev/null 2>&1; then command -v python3.13; \
	elif [ -n "$(PYENV_PY313)" ] && [ -x "$(PYENV_PY313)" ]; then echo "$(PYENV_PY313)"; fi)
PY313_BIN := $(patsubst %/,%,$(dir $(PYTHON313)))
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv run test lint typecheck unit integration e2e demo validate build clean bench \
	console console-types console-check deploy invite-operator replay-dlq
CONSOLE_DEPS := console/node_modules/.package-lock.json
CONSOLE_SOURCES := $(shell find console/src console/public -type f 2>/dev/null) \
	console/index.html console/vite.config.ts console/package.json $(wildcard console/tsconfig*.json) \
	docs/operations.md

venv: $(STAMP)

$(STAMP): pyproject.toml dev/pyproject.toml layers/common/requirements.txt
	@if [ -z "$(PYTHON313)" ]; then echo "Python 3.13 not found: install python3.13 on PATH or 'pyenv install 3.13.0'." >&2; exit 1; fi
	@if [ ! -x $(VPY) ] || ! $(VPY) -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then \
		rm -rf $(VENV) && $(PYTHON313) -m venv $(VENV); fi
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e '.[dev]' -e ./dev
	@touch $(STAMP)

run: venv console
	$(VPY) -m proxyhub_dev.local

# The operator console: npm ci from the committed lockfile, built again when its sources change.
$(CONSOLE_DEPS): console/package-lock.json
	cd console && npm ci --no-audit --no-fund
	@touch $@

console/dist/index.html: $(CONSOLE_DEPS) $(CONSOLE_SOURCES)
	cd console && npm run build

console: console/dist/index.html

# The console's API types come from the backend's own OpenAPI document.
console-types: venv $(CONSOLE_DEPS)
	$(VPY) -m proxyhub_dev.openapi > console/openapi.json
	cd console && npm run gen:api

# Stale types fail: regenerated, they must be what is committed.
console-check: console-types
	git diff --exit-code -- console/openapi.json console/src/api/schema.d.ts
	cd console && npm run lint && npm run typecheck && npm test

demo: venv
	$(VPY) -m proxyhub_dev.local.demo

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@# Security lint of what ships (the layer and the handlers): no finding of medium severity or more.
	$(VENV)/bin/bandit -q -r layers/common/proxyhub functions --severity-level medium

typecheck: venv
	$(VENV)/bin/mypy

test: lint typecheck console-check console
	$(VPY) -m pytest -q

validate: venv
	$(VENV)/bin/cfn-lint template.yaml
	@if $(VENV)/bin/cfn-lint tests/templates/known_bad.yaml >/dev/null 2>&1; then \
		echo "cfn-lint accepted tests/templates/known_bad.yaml: the linter is not checking SAM resources" >&2; exit 1; fi
	$(VENV)/bin/sam validate --region us-east-1 --template-file template.yaml
	@# Offline (no policy download): 0 failed checks; every skip carries its reason in the template.
	$(VENV)/bin/checkov -f template.yaml --framework cloudformation --skip-download --compact --quiet

build: venv
	PATH="$(PY313_BIN):$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sam build --template-file template.yaml
	@# The layer ships the proxyhub package only: the local stack and the simulators stay in dev/.
	@if find .aws-sam/build/CommonLayer/python -path '*proxyhub*' \( -name local -o -name simulators -o -name 'proxyhub_dev*' \) | grep .; then \
		echo "development code found in the built Lambda layer" >&2; exit 1; fi

# ENV names a samconfig.toml environment: dev or prod (README, "Deploying").
ENV ?= dev
ifneq ($(filter deploy invite-operator replay-dlq,$(MAKECMDGOALS)),)
ifeq ($(filter $(ENV),dev prod),)
$(error ENV must be dev or prod (an environment of samconfig.toml), not "$(ENV)")
endif
endif

# Build, deploy the stack, then upload the console and clear its cache.
deploy: build console
	$(VENV)/bin/sam deploy --config-env $(ENV)
	$(VPY) -m proxyhub_dev.deploy_console --config-env $(ENV)

# An operator of the deployed console: Cognito e-mails EMAIL a temporary password (ROLE: viewer,
# operator or admin; one group, each includes the ones below it).
invite-operator: venv
	@if [ -z "$(EMAIL)" ]; then echo "EMAIL=... is required" >&2; exit 1; fi
	$(VPY) -m proxyhub_dev.operator_users --config-env $(ENV) --email "$(EMAIL)" --role $(or $(ROLE),viewer)

# Dead-lettered runs back to their functions (docs/operations.md, "Replaying the dead-letter queue");
# DRY_RUN=1 lists them and changes nothing.
replay-dlq: venv
	$(VPY) -m proxyhub_dev.replay_dlq --config-env $(ENV) $(if $(DRY_RUN),--dry-run)

bench: venv
	$(VPY) bench/inventory_sync.py

clean:
	rm -rf $(VENV) .aws-sam .mypy_cache .pytest_cache .ruff_cache

# Outside In: `make run` to use the app, `make test` to run every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip --disable-pip-version-check

.PHONY: run test setup setup-test demo benchmark clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-test.txt
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

## run: install, create or upgrade the database (loading the demo company into a new one), serve the app
run: setup
	$(PY) -m cs_metrics.storage.setup prepare
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port 8501

## test: install the test dependencies, then run the whole suite
test: setup-test
	$(PY) -m pytest

## demo: replace the data with a demo company (SIZE=standard|large CUSTOMERS=<the size's> SEED=20261)
demo: setup
	$(PY) -m cs_metrics.storage.demo --size $(or $(SIZE),standard) $(if $(CUSTOMERS),--customers $(CUSTOMERS)) --seed $(or $(SEED),20261) --replace

$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed-test
	$(PIP) install -q -r requirements-bench.txt
	touch $@

## benchmark: measure every page and target on a demo company (SIZE=large|standard CUSTOMERS=N
##            DATABASE_URL=<a PostgreSQL database> REUSE=1 SKIP=browser,import,...); see the README
benchmark: $(VENV)/.installed-bench
	$(PY) -m benchmarks $(if $(SIZE),--size $(SIZE)) $(if $(CUSTOMERS),--customers $(CUSTOMERS)) \
		$(if $(DATABASE_URL),--database-url '$(DATABASE_URL)') $(if $(REUSE),--reuse) $(if $(SKIP),--skip $(SKIP))

clean:
	rm -rf $(VENV) .pytest_cache

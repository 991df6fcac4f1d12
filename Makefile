# The two commands of the README, and the pieces they are made of.
.PHONY: run test setup setup-dev lint typecheck ui-check unit bench diagrams clean

PY := .venv/bin/python

run: setup            ## set up and run the product: the designer on SQLite with the shipped flows
	.venv/bin/statewright serve --demo

test: setup-dev lint typecheck ui-check unit   ## set up and run the whole test suite

setup:
	bash scripts/setup.sh main

setup-dev:
	bash scripts/setup.sh dev

lint:
	.venv/bin/ruff check .
	.venv/bin/lint-imports

typecheck:
	.venv/bin/mypy

ui-check:             ## the committed designer/static/ is what designer/ui's sources build
	bash designer/ui/check_build.sh

unit:
	$(PY) -m pytest -q -n 2 --dist loadfile -p no:cacheprovider

bench: setup-dev      ## every benchmark, each beside its baseline measured in the same run
	$(PY) -m bench.bench_validation
	$(PY) -m bench.bench_cli
	$(PY) -m bench.bench_review
	$(PY) -m bench.bench_engine
	$(PY) -m bench.bench_dbos
	$(PY) -m bench.bench_map
	$(PY) -m bench.bench_reads
	$(PY) -m bench.bench_api
	$(PY) -m bench.bench_ui

diagrams: setup       ## validate, analyse and draw every shipped definition into diagrams/
	.venv/bin/statewright validate definitions
	for f in definitions/workflows/*.json; do .venv/bin/statewright analyze "$$f"; done
	.venv/bin/statewright render definitions/workflows -o diagrams --format svg
	.venv/bin/statewright render definitions/workflows -o diagrams --format mermaid

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache diagrams test-artifacts

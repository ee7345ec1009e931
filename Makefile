# The two commands of the README: `make demo` runs the hall, `make test` runs every test.
.PHONY: demo test setup bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/hallq demo

test: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest $(PYTEST_ARGS)

bench: setup
	.venv/bin/python -m bench

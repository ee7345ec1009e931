# Shortcuts for the README's commands (`bash scripts/demo.sh`, `bash scripts/test.sh`) and the benchmarks.
.PHONY: demo test bench

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

bench:
	HALLQ_SETUP_EXTRA=wrk bash scripts/setup.sh && .venv/bin/python -m bench

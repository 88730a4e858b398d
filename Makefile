# The two commands of the README's quick start, and the checks CI runs.
.PHONY: demo test lint setup

demo:
	./scripts/setup.sh
	.venv/bin/openpin serve --demo

test:
	./scripts/setup.sh --dev
	.venv/bin/python -m pytest

lint:
	.venv/bin/ruff format --check openpin tests bench migrations
	.venv/bin/ruff check openpin tests bench migrations
	.venv/bin/mypy openpin

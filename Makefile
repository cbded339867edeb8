# Two commands for a fresh clone:  `make demo`  and  `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
AUDIT  := $(VENV)/bin/audit

.PHONY: demo test install browser fonts pdftools eval clean messages locales

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 'setuptools<81' wheel
	# CPU build of PyTorch first (a plain `torch` requirement pulls a multi-GB CUDA build)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,postgres,openai-whisper,ray,watch]'
	touch $@

install: $(VENV)/.installed

## Audit the sample recordings into the default SQLite database (audit.db) and print a summary.
demo: install
	$(AUDIT) batch samples/
	$(AUDIT) findings --format text

## Check the layers (import contracts in pyproject.toml), lint (ruff) and type-check the core (mypy, audit/),
## then run the whole test suite (SQLite + the PostgreSQL at 127.0.0.1:5432, real model, real browser).
test: install browser fonts pdftools locales
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(VENV)/bin/ruff check audit pipelines dashboards tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

## Re-extract the texts marked for translation (audit/i18n.py) and merge them into the catalogs.
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -k pgettext:1c,2 \
	  --project=callaudit --copyright-holder="callaudit authors" -o audit/locale/callaudit.pot .
	$(VENV)/bin/pybabel update -i audit/locale/callaudit.pot -d audit/locale -D callaudit \
	  --no-fuzzy-matching --width=110

## Compile the message catalogs (.po -> .mo); without it they are compiled in memory on first use.
locales: install
	$(VENV)/bin/pybabel compile -d audit/locale -D callaudit --statistics

## Debian's Chromium for the real-browser dashboard test (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## A Chinese TrueType font for the scorecard PDF (embedded) and for the browser that shows the dashboard
## (Chinese labels, charts and symbols; Debian WenQuanYi; AUDIT_PDF_FONT overrides the PDF's).
fonts:
	@[ -n "$$AUDIT_PDF_FONT" ] || ls /usr/share/fonts/truetype/wqy/wqy-*.ttc >/dev/null 2>&1 || { \
	  echo "installing Debian fonts-wqy-microhei for the scorecard PDF"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; }

## Debian poppler-utils: the scorecard PDF test rasterises a page with pdftoppm.
pdftools:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "installing Debian poppler-utils for the PDF rendering test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

## Quality figures on the labelled corpus (CER, DER, roles, precision/recall).
eval: install
	$(AUDIT) eval ../shared/corpus

clean:
	rm -rf $(VENV) audit.db audit.db-* test-artifacts .pytest_cache audit/locale/*/LC_MESSAGES/*.mo

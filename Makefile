# The book's commands. `make html` and `make test` create the virtual environment on first
# use (and refresh it when pyproject.toml changes), so they are all the set-up there is.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SPHINX := $(PY) -m sphinx
SPHINXOPTS ?= -W -n --keep-going -q -j auto
BUILD  := build
PDF_NAME := nlp-llm-interview-questions.pdf
TEX_TOOLS := xelatex latexmk
TEX_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended texlive-xetex tex-gyre fonts-freefont-otf

.PHONY: html pdf test serve bench clean distclean venv check-tex

# -- the virtual environment -----------------------------------------------------------------
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[book,test]'
	@touch $(STAMP)

venv: $(STAMP)

# -- the book ------------------------------------------------------------------------------------
# html: the web book; when TeX is installed it builds the PDF first so the web book links it.
html: $(STAMP)
	@if command -v xelatex >/dev/null 2>&1 && command -v latexmk >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory pdf; \
	else \
	  echo "note: TeX not found; building the HTML without the PDF (see 'make pdf')"; \
	fi
	$(SPHINX) -b html $(SPHINXOPTS) docs $(BUILD)/html
	@echo "HTML book: $(BUILD)/html/index.html"

check-tex:
	@missing=""; for t in $(TEX_TOOLS); do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  echo "error: make pdf needs TeX (missing:$$missing). Install it with:"; \
	  echo "  sudo apt-get install -y $(TEX_PACKAGES)"; \
	  exit 1; \
	fi

pdf: $(STAMP) check-tex
	$(SPHINX) -b latex $(SPHINXOPTS) docs $(BUILD)/latex
	$(MAKE) --no-print-directory -C $(BUILD)/latex LATEXMKOPTS="-silent -halt-on-error" all-pdf >$(BUILD)/latex/make.log 2>&1 \
	  || { tail -40 $(BUILD)/latex/make.log; echo "error: LaTeX failed; the full log is $(BUILD)/latex/make.log"; exit 1; }
	@mkdir -p $(BUILD)/pdf
	@cp $(BUILD)/latex/$(PDF_NAME) $(BUILD)/pdf/$(PDF_NAME)
	@if [ -d $(BUILD)/html ]; then cp $(BUILD)/pdf/$(PDF_NAME) $(BUILD)/html/; fi
	@echo "PDF book: $(BUILD)/pdf/$(PDF_NAME)"

# serve: live-reload preview for writers (HTML only; figures and snippets are watched too).
serve: $(STAMP)
	$(VENV)/bin/sphinx-autobuild docs $(BUILD)/html --watch snippets \
	  --ignore "*/_figures/*" -n --keep-going

# -- the tests ---------------------------------------------------------------------------------
test: $(STAMP)
	$(PY) -m pytest

# bench: build times (fresh, cached, no-op, one-page and one-snippet edits) in a scratch copy.
bench: $(STAMP)
	$(PY) tools/bench.py

clean:
	rm -rf $(BUILD) docs/_figures .pytest_cache

distclean: clean
	rm -rf $(VENV) *.egg-info

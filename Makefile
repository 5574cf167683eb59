# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make report   set up, generate the demo data, render the demo reports under reports/
#   make test     set up, run the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := chromium fonts-noto-core fonts-liberation2 libcairo2 poppler-utils strace
# DOCX → PDF check in the tests (optional: installed when missing, skipped if apt cannot)
OFFICE_PACKAGE := libreoffice-writer-nogui
JAVA_PACKAGE := default-jre-headless
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO := data/demo.duckdb
DEMO_DISTRICTS := data/demo-districts.duckdb

LAB_PORT ?= 8888
LAB_IP ?= 127.0.0.1
# apt waits (bounded) for another apt or dpkg holding its lock instead of failing at once
APT_WAIT ?= 300
APT_GET := $(SUDO) apt-get -o DPkg::Lock::Timeout=$(APT_WAIT)
APT_LOCK_WAIT := $(SUDO) $(PY) tools/apt_lock_wait.py $(APT_WAIT)

# the library's bytecode, written once here: imports then skip compiling ~90 modules (~0,3 s
# per process) where PYTHONDONTWRITEBYTECODE keeps Python from writing it
.PHONY: setup system-deps bytecode report test lint lab clean

setup: system-deps $(STAMP) bytecode

bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q lib

system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
	   || ! command -v strace >/dev/null 2>&1 \
	   || ! ls /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf >/dev/null 2>&1 \
	   || ! ls /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf >/dev/null 2>&1 \
	   || ! ldconfig -p | grep -q libcairo.so.2; then \
	  echo "installing $(APT_PACKAGES) with apt"; \
	  $(APT_LOCK_WAIT) && $(APT_GET) update -qq && $(APT_LOCK_WAIT) && \
	    DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends \
	    $(APT_PACKAGES); \
	fi
	@if ! command -v soffice >/dev/null 2>&1; then \
	  echo "installing $(OFFICE_PACKAGE) with apt (opens the DOCX in the tests)"; \
	  ( $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $(SUDO) apt-get install -y -qq --no-install-recommends $(OFFICE_PACKAGE) ) \
	    || echo "could not install $(OFFICE_PACKAGE): the DOCX → PDF test will be skipped"; \
	fi
	@# Spark (dossier analytics at national scale, --engine spark) needs a Java runtime
	@if ! command -v java >/dev/null 2>&1; then \
	  echo "installing $(JAVA_PACKAGE) with apt (Java for Spark)"; \
	  $(APT_LOCK_WAIT) && $(APT_GET) update -qq && $(APT_LOCK_WAIT) && \
	    DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends \
	    $(JAVA_PACKAGE); \
	fi

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

report: setup
	$(BIN)/chiso766 demo --variant merged --store $(DEMO)
	$(BIN)/chiso766 demo --variant districts --store $(DEMO_DISTRICTS)
	$(BIN)/chiso766 run params/demo-weekly.yaml params/demo-monthly.yaml \
	  params/demo-quarterly.yaml params/demo-yearly.yaml params/demo-districts-weekly.yaml
	@echo "reports: $(CURDIR)/reports/index.html"

test: setup
	$(BIN)/pytest -q -p no:cacheprovider --nbval-lax notebooks tests

# JupyterLab with the project's kernel (the venv's python3), also as root
lab: setup
	TZ=Asia/Ho_Chi_Minh $(BIN)/jupyter lab --notebook-dir="$(CURDIR)" --ServerApp.ip=$(LAB_IP) \
	  --ServerApp.port=$(LAB_PORT) --KernelManager.transport=ipc \
	  $(if $(filter 0,$(shell id -u)),--allow-root,)

lint: setup
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

clean:
	rm -rf $(VENV) reports/*/ reports/index.html data/demo*.duckdb

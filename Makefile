# shushuo — 数说工会. `make report` and `make test` set themselves up on a fresh clone.
# Every target that needs Python first makes the virtual environment (.venv) from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# INPUT=<folder of workbooks> runs on your own returns; empty means the demo data.
# FORCE=1 recomputes even when nothing changed since the last published run.
INPUT  ?=
PERIOD_ARGS := $(if $(PERIOD_START),--period-start $(PERIOD_START) --period-end $(PERIOD_END),)
# ENGINE=spark runs the same dbt models on Spark (local[2]; README: on a cluster); empty or duckdb: DuckDB.
ENGINE ?= duckdb
SPARK  := $(VENV)/.spark
comma  := ,

.PHONY: report release test lint template demo docs bench clean setup serve

report: $(READY) $(if $(filter spark,$(ENGINE)),$(SPARK),)  ## run the whole pipeline and print where the bulletin is (ENGINE=spark: the models on Spark)
	bash scripts/setup_office.sh || echo "未能安装 LibreOffice：本次不生成 bulletin.pdf，其余文件照常生成。"
	$(BIN)/shushuo run $(if $(INPUT),--input "$(INPUT)",) $(PERIOD_ARGS) $(if $(FORCE),--force,) --engine $(ENGINE)

release: $(READY)  ## release the last good run (BY=<name>; RUN=<id>, NOTE=<text>, ACCEPT_OPEN_PROBLEMS=1 optional)
	$(BIN)/shushuo release --by "$(BY)" $(if $(RUN),--run "$(RUN)",) $(if $(NOTE),--note "$(NOTE)",) $(if $(ACCEPT_OPEN_PROBLEMS),--accept-open-problems,)

test: $(READY)  ## unit tests on small generated data, plus one end-to-end run of the full demo
	$(MAKE) --no-print-directory $(SPARK) || echo "未能准备 Spark（Java 或 pyspark）：两种引擎的对比测试将跳过。"
	bash scripts/setup_desk_browser.sh
	bash scripts/setup_office.sh
	$(BIN)/python -m pytest

lint: $(READY)  ## the guardrails CI runs before the tests: ruff (lint and format), sqlfluff on models/, mypy on the packages and bench/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint models
	$(BIN)/mypy
	$(BIN)/mypy bench

serve: $(READY)  ## the submission desk on http://127.0.0.1:8765 (HOST=, PORT= to change; README: behind nginx with TLS)
	$(BIN)/shushuo serve $(if $(HOST),--host $(HOST),) $(if $(PORT),--port $(PORT),)

template: $(READY)  ## blank return workbooks, one per submitting unit, in build/templates/
	$(BIN)/shushuo template $(PERIOD_ARGS)

demo: $(READY)  ## regenerate the demo workbooks in data/demo/
	$(BIN)/shushuo demo --force

docs: $(READY)  ## dbt docs (definitions of every model and indicator) into build/dbt/docs/target/
	$(BIN)/shushuo docs

bench: $(READY) $(if $(filter spark,$(ENGINES)),$(SPARK),)  ## the benchmark (×1, ×3, ×10; about 20 minutes on a quiet machine; ENGINES=spark adds Spark's cold runs): see bench/README.md
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,bench$(if $(filter spark,$(ENGINES)),$(comma)lint$(comma)spark,)]'
	$(BIN)/python bench/bench.py $(if $(SCALES),--scales $(SCALES),) $(if $(ENGINES),--engines $(ENGINES),)

setup: $(READY)

# Java and the Spark extra (pyspark, dbt-spark), only for ENGINE=spark and make test (the engines' comparison).
$(SPARK): $(READY)
	bash scripts/setup_spark.sh
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,lint,spark]'
	touch $@

$(READY): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,lint]'
	touch $@

clean:  ## remove outputs and the generated demo data (keeps .venv and releases/: a release is never deleted)
	rm -rf build data/demo data/cache

"""`shushuo figure` / `shushuo figures` against a fake run folder: build/current → a run whose
warehouse holds marts.indicators (synthetic) and raw.submissions."""

from __future__ import annotations

import duckdb
import pytest
import typer
from synthetic import synthetic_indicators
from test_exports_catalogue import fake_sources
from typer.testing import CliRunner

from reports.figure_words import exact_value
from reports.formatting import format_figure
from shushuo.figure_commands import figure, figures

app = typer.Typer()
app.command()(figure)
app.command()(figures)
runner = CliRunner()


@pytest.fixture(scope="module")
def indicators():
    return synthetic_indicators(9)


@pytest.fixture(scope="module")
def build_dir(indicators, tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    run = build / "runs" / "20240115-093000-0001"
    run.mkdir(parents=True)
    con = duckdb.connect(str(run / "warehouse.duckdb"))
    con.execute("create schema marts")
    con.execute("create schema raw")
    table = indicators.astype({"value": "object", "numerator": "object", "denominator": "object"})
    con.register("indicators_df", table)
    con.execute("""create table marts.indicators as select * exclude (value, numerator, denominator),
                   cast(value as decimal(38, 6)) as value, cast(numerator as decimal(38, 2)) as numerator,
                   cast(denominator as decimal(38, 2)) as denominator from indicators_df""")
    con.register("sources_df", fake_sources())
    con.execute("create table raw.submissions as select * from sources_df")
    con.close()
    (build / "current").symlink_to(run.relative_to(build))
    return build


def invoke(*args):
    return runner.invoke(app, [*args])


def headline(indicators, indicator_id):
    return indicators[(indicators["indicator_id"] == indicator_id) & indicators["breakdown_dim"].isna()].iloc[0]


def test_figure_by_id_prints_value_wording_definition_and_units(build_dir, indicators):
    result = invoke("figure", "card_uptake_rate", "--build", str(build_dir))
    assert result.exit_code == 0, result.output
    printed = format_figure(headline(indicators, "card_uptake_rate"))
    assert f"办卡率达{printed}" in result.output
    assert "办卡率＝期末有效京卡数" in result.output  # 口径 from the catalog
    assert "数据来源：15 个单位" in result.output and "20240115-093000-0001" in result.output
    assert "按单位" in result.output


def test_figure_by_chinese_label_substring(build_dir, indicators):
    result = invoke("figure", "办卡数", "--build", str(build_dir))
    assert result.exit_code == 0
    assert format_figure(headline(indicators, "cards_issued")) in result.output


def test_several_matches_are_listed(build_dir):
    result = invoke("figure", "京卡", "--build", str(build_dir))
    assert result.exit_code == 0
    assert "对应 2 个指标" in result.output
    assert "cards_issued" in result.output and "card_services" in result.output


def test_no_match_says_what_to_try(build_dir):
    result = invoke("figure", "不存在的数字", "--build", str(build_dir))
    assert result.exit_code == 1
    assert "没有找到" in result.output and "shushuo figures" in result.output and "京卡服务" in result.output


def test_figures_lists_a_topic(build_dir):
    result = invoke("figures", "维权", "--build", str(build_dir))
    assert result.exit_code == 0
    assert "维权服务（4 个）" in result.output and "disputes_mediated" in result.output
    assert "cards_issued" not in result.output


def test_figures_without_topic_lists_all_and_unknown_topic_helps(build_dir):
    everything = invoke("figures", "--build", str(build_dir))
    assert everything.exit_code == 0 and "培训与助学" in everything.output and "维权服务" in everything.output
    unknown = invoke("figures", "天气", "--build", str(build_dir))
    assert unknown.exit_code == 1 and "现有主题" in unknown.output


def test_no_run_yet_says_to_run_the_pipeline(tmp_path):
    result = invoke("figure", "cards_issued", "--build", str(tmp_path))
    assert result.exit_code == 1 and "make report" in result.output


def test_figures_takes_the_topic_as_an_option_too(build_dir):
    """`shushuo figures --topic 帮扶` is how the figures desk was promised the command."""
    result = invoke("figures", "--topic", "维权", "--build", str(build_dir))
    assert result.exit_code == 0, result.output
    assert "维权服务（4 个）" in result.output and "cards_issued" not in result.output


def test_breakdown_exact_values_carry_their_unit_like_the_headline(build_dir, indicators):
    """The 准确值 of a unit's rate read 90.781736 beside a headline 90.769958%: a bare number
    next to a percentage is easy to misread; each part now says % (or 张, 人 …) too."""
    result = invoke("figure", "card_uptake_rate", "--build", str(build_dir))
    assert result.exit_code == 0, result.output
    part = indicators[
        (indicators["indicator_id"] == "card_uptake_rate") & (indicators["breakdown_dim"] == "unit")
    ].iloc[0]
    exact, unit = exact_value(part)
    assert unit == "%" and f"{exact}%" in result.output.replace("\n", ""), result.output


def test_units_withheld_for_one_reason_are_one_line_not_a_row_each(build_dir, indicators):
    small = indicators[
        (indicators["indicator_id"] == "women_screening_cards")
        & (indicators["breakdown_dim"] == "unit")
        & (indicators["value"].astype(float) < 5)
    ]["breakdown_key"]
    assert len(small) >= 2, "the synthetic data withholds several units"
    result = invoke("figure", "women_screening_cards", "--build", str(build_dir))
    assert result.exit_code == 0, result.output
    assert "按单位" in result.output and result.output.count("未列出") == 1
    line = next(line for line in result.output.splitlines() if "未列出" in line)
    assert all(key in line for key in small) and "原因：" in line

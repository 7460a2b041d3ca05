"""`dvc plots diff` works offline: its page template carries the chart runtime inline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import catalog, dag
from pipeline.plots import template_html

ROOT = Path(__file__).resolve().parents[1]


def test_the_template_inlines_the_runtime_and_keeps_only_dvcs_plot_slot():
    page = template_html("window.vegaEmbed = function () {}; var s = '</script>';")
    assert page.count("{plot_divs}") == 1
    assert "{scripts}" not in page, "DVC would put its CDN script tags there"
    assert "<\\/script>" in page and page.count("</script>") == 1


def test_a_runtime_holding_a_dvc_placeholder_is_refused():
    with pytest.raises(ValueError, match="scripts"):
        template_html("var t = '{scripts}';")


def test_dvc_renders_a_page_without_any_cdn(tmp_path):
    from dvc_render import render_html
    from dvc_render.vega import VegaRenderer

    template = tmp_path / "template.html"
    template.write_text(template_html("window.vegaEmbed = function () {};"), encoding="utf-8")
    points = [{"year": 2020, "n": 1, "rev": "HEAD"}, {"year": 2021, "n": 2, "rev": "HEAD"}]
    renderer = VegaRenderer(points, "by_year", x="year", y="n", template="simple")
    out = tmp_path / "plots" / "index.html"
    render_html([renderer], out, html_template=str(template))
    page = out.read_text(encoding="utf-8")
    assert "vegaEmbed('#by_year'" in page
    assert "cdn.jsdelivr" not in page and "<script src=" not in page


def test_dvc_is_configured_to_use_the_template_the_pipeline_writes():
    config = (ROOT / ".dvc" / "config").read_text(encoding="utf-8")
    line = next(ln for ln in config.splitlines() if ln.strip().startswith("html_template"))
    configured = (ROOT / ".dvc" / line.split("=", 1)[1].strip()).resolve()
    assert configured == catalog.locate("project.plots_template", ROOT)
    writer = next(s for s in dag.STAGES if s.name == "plots_template")
    assert "project.plots_template" in writer.outputs


def test_plot_templates_named_in_dvc_yaml_exist():
    for item in dag.load_dvc_yaml(ROOT)["plots"]:
        (spec,) = item.values()
        template = ROOT / ".dvc" / "plots" / f"{spec['template']}.json"
        assert template.is_file(), f"no plot template {template}"
        text = template.read_text(encoding="utf-8")
        json.loads(text)
        for anchor in ("<DVC_METRIC_X_LABEL>", "<DVC_METRIC_Y_LABEL>", "<DVC_METRIC_DATA>"):
            assert anchor in text

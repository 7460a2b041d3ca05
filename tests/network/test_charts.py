"""Network and Lorenz charts: right layers, labels and a stable spec."""

from __future__ import annotations

import json

from network_tables import make_tables, random_centres, random_countries

from pipeline.network import analyse, layout, top_share
from pipeline.network.charts import COUNTRY_GROUPS, lorenz_chart, network_chart


def _chart_json(seed: int = 2) -> tuple[str, str]:
    res = analyse(*make_tables(random_centres(4), random_countries()), seed=seed)
    pos = layout(res.projection, seed)
    net = network_chart(res.projection, res.metrics, pos)
    lor = lorenz_chart(res.lorenz, top_share(res.metrics["centres"]))
    return json.dumps(net.to_dict(), sort_keys=True), json.dumps(lor.to_dict(), sort_keys=True)


def test_network_chart_spec() -> None:
    res = analyse(*make_tables(random_centres(4), random_countries()), seed=2)
    full = network_chart(res.projection, res.metrics, layout(res.projection, 2)).to_dict()
    spec = {**full["vconcat"][0], "datasets": full["datasets"]}
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "circle", "text"]
    node = spec["layer"][1]["encoding"]
    assert node["color"]["scale"]["domain"] == COUNTRY_GROUPS
    assert [t["field"] for t in node["tooltip"]] == ["name", "country", "centres", "community"]
    assert node["size"]["field"] == "centres"
    datasets = spec["datasets"]
    label_data = datasets[spec["layer"][2]["data"]["name"]]
    assert len(label_data) == 10
    top_names = res.metrics.sort_values("rank")["name"].head(10).tolist()
    assert [r["name"] for r in label_data] == top_names
    assert [r["rank"] for r in label_data] == list(range(1, 11))
    key = full["vconcat"][1]
    assert key["mark"]["type"] == "text" and key["encoding"]["text"]["field"] == "key"
    assert label_data[0]["key"].startswith(f"1. {top_names[0]} (")
    edge_data = datasets[spec["layer"][0]["data"]["name"]]
    assert len(edge_data) == res.projection.number_of_edges()


def test_network_chart_fits_the_page_width() -> None:
    """The drawing and its key are stacked and the legends sit under them, so the chart is
    no wider than the drawing (side by side it overflowed the HTML page and shrank in the PDF)."""
    res = analyse(*make_tables(random_centres(4), random_countries()), seed=2)
    full = network_chart(res.projection, res.metrics, layout(res.projection, 2), width=500)
    spec = full.to_dict()
    assert [part["width"] for part in spec["vconcat"]] == [500, 500]
    assert spec["config"]["legend"]["orient"] == "bottom"


def test_lorenz_chart_marks_top_fifth() -> None:
    res = analyse(*make_tables(random_centres(4), random_countries()), seed=2)
    share = top_share(res.metrics["centres"])
    spec = lorenz_chart(res.lorenz, share).to_dict()
    point = spec["datasets"][spec["layer"][2]["data"]["name"]][0]
    assert abs(point["share_of_links"] - (1 - share)) < 1e-12
    assert f"{share:.0%}" in point["label"]


def test_chart_specs_are_deterministic() -> None:
    assert _chart_json() == _chart_json()

"""The display helpers: escaping, deterministic ids, offline chart bundles."""

import json
import re

import altair as alt
import pandas as pd

from pipeline import report


def _chart(label="a"):
    df = pd.DataFrame({"x": [label, "b"], "y": [1, 2]})
    return alt.Chart(df).mark_bar().encode(x="x:N", y="y:Q")


def test_json_for_script_cannot_close_the_script_element():
    payload = {"name": "</script><script>alert(1)</script>", "amp": "a & b"}
    text = report.json_for_script(payload)
    assert "</script" not in text.lower()
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == payload


def test_chart_bundle_has_html_pdf_png_and_no_cdn():
    bundle = report.chart_mimebundle(_chart(), "alt text")
    assert set(bundle) >= {"text/html", "application/pdf", "image/png"}
    html = bundle["text/html"]
    assert "cdn" not in html.lower()
    # the only URL is the Vega-Lite $schema identifier, which vega-embed never fetches
    urls = set(re.findall(r"https?://[^\"\\]+", html))
    assert all(u.startswith("https://vega.github.io/schema/") for u in urls), urls
    assert "<script src" not in html
    assert 'aria-label="alt text"' in html


def test_chart_ids_are_derived_from_content():
    a1 = report.chart_mimebundle(_chart("a"), "t")["text/html"]
    a2 = report.chart_mimebundle(_chart("a"), "t")["text/html"]
    b = report.chart_mimebundle(_chart("z"), "t")["text/html"]
    assert a1 == a2
    assert a1.split('id="')[1][:15] != b.split('id="')[1][:15]


def test_hostile_data_in_chart_stays_text():
    bundle = report.chart_mimebundle(_chart("<img src=x onerror=alert(1)>"), "<b>alt</b>")
    html = bundle["text/html"]
    assert "<img src=x" not in html
    assert "<b>alt</b>" not in html


def test_table_bundle_escapes_html_and_markdown():
    df = pd.DataFrame({"name": ["<script>alert(1)</script>", "a | b"], "n": [1, 2]})
    bundle = report.table_mimebundle(df)
    assert "<script>" not in bundle["text/html"]
    assert "&lt;script&gt;" in bundle["text/html"]
    md = bundle["text/markdown"]
    assert "<script>" not in md
    assert "a \\| b" in md


def test_md_escape_neutralises_roles_links_and_html():
    s = report.md_escape("{eval}`x` [link](javascript:alert(1)) <b>")
    assert "<b>" not in s
    assert "\\[link\\]" in s and "\\{eval\\}" in s


def test_count_phrase() -> None:
    assert report.count_phrase(1, "centre") == "1 centre"
    assert report.count_phrase(1250, "paper") == "1,250 papers"
    assert report.count_phrase(0, "university", "universities") == "0 universities"

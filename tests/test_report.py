"""The display helpers: escaping, deterministic ids, offline chart bundles."""

import base64
import json
import re

import altair as alt
import pandas as pd
import pytest

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
    # the PNG fallback's base64 text may spell anything; look at the markup around it
    markup = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert "cdn" not in markup.lower()
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


SYNTHETIC = report.Edition(True, "Synthetic reference edition")


def test_edition_is_read_from_the_edition_file(tmp_path):
    path = tmp_path / "EDITION.yaml"
    path.write_text("synthetic: true\nlabel: Contrast edition\n", encoding="utf-8")
    ed = report.edition(path)
    assert ed == report.Edition(True, "Contrast edition")
    assert "synthetic data" in ed.source_line() and "Contrast edition" in ed.source_line()
    own = tmp_path / "own.yaml"
    own.write_text("synthetic: false\nlabel: Office survey 2024\n", encoding="utf-8")
    assert report.edition(own) == report.Edition(False, "Office survey 2024")
    assert "synthetic" not in report.edition(own).source_line()
    assert not report.edition(tmp_path / "absent.yaml").synthetic
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(TypeError, match="bad.yaml"):
        report.edition(bad)


def test_the_shipped_edition_is_synthetic_and_says_so():
    ed = report.edition()
    assert ed.synthetic
    assert ed.source_line().startswith("Source: Synthetic reference edition (synthetic data")
    assert report.__version__ in ed.source_line()


def test_every_chart_carries_its_source_inside_the_image():
    lines = SYNTHETIC.source_lines()
    bundle = report.chart_mimebundle(_chart(), "t", source=lines)
    spec = json.loads(
        re.search(r'<script type="application/json"[^>]*>(.*?)</script>', bundle["text/html"])[1]
    )
    assert spec["title"]["text"] == lines and spec["title"]["orient"] == "bottom"
    assert " ".join(lines) == SYNTHETIC.source_line()
    pdf_text = _pdf_text(base64.b64decode(bundle["application/pdf"]))
    assert "Synthetic reference edition" in pdf_text
    plain = report.chart_mimebundle(_chart(), "t", source="")
    assert plain["image/png"] != bundle["image/png"]  # the PNG draws the line too
    with pytest.raises(ValueError, match="no title"):
        report.chart_mimebundle(_chart().properties(title="A title"), "t", source=lines)


def test_every_table_carries_its_source_in_each_rendering():
    line = SYNTHETIC.source_line()
    bundle = report.table_mimebundle(pd.DataFrame({"a": [1]}), source=line, collapsed=True)
    assert '<p class="table-source">Source: Synthetic reference edition' in bundle["text/html"]
    assert bundle["text/html"].index("table-source") < bundle["text/html"].index("</details>")
    assert bundle["text/plain"].endswith(line)
    assert "Source\\: Synthetic reference edition \\(synthetic data" in bundle["text/markdown"]


def _pdf_text(pdf: bytes) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def test_figures_and_tables_get_a_cross_reference_target() -> None:
    from pipeline.report import target

    assert target("Figure", "5.1") == "figure-5-1"
    assert target("Table", "C.2") == "table-c-2"
    assert target("Figure", "5.1", "centres_growth") == "centres_growth"
    with pytest.raises(ValueError, match="lower-case"):
        target("Figure", "5.1", "Centres Growth")


def test_a_chart_is_drawn_once_and_its_formats_match_drawing_each_from_the_spec():
    """The PNG and PDF are converted from the one SVG drawing (one run of the Vega renderer
    per chart, not three); the bytes must be those vl-convert gives when it draws each
    format from the spec itself, so the speed-up changes no output."""
    import vl_convert as vlc

    drawn = report.render_chart(_chart().properties(width=120), source=["Source: a test"])
    assert drawn.svg == vlc.vegalite_to_svg(drawn.spec)
    assert drawn.png == report.compact_png(vlc.vegalite_to_png(drawn.spec, scale=2))
    bundle = report.chart_mimebundle(_chart(), "t", rendered=drawn)
    pdf = base64.b64decode(bundle["application/pdf"])
    assert pdf == report.canonical_pdf(vlc.vegalite_to_pdf(drawn.spec))
    assert base64.b64decode(bundle["image/png"]) == drawn.png

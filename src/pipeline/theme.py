"""The chart theme: one palette and one font set-up for every chart in the book.

Colours are chosen for readers with common colour-vision deficiencies:

* categorical marks use the Okabe–Ito palette (Okabe and Ito, *Color Universal
  Design*, 2008);
* diverging answer scales use ColorBrewer's purple/orange PuOr ends;
* sequential scales (map bins, low/medium/high) use ColorBrewer Blues;
* hidden (suppressed) cells are a light grey with a dark dashed outline.

Every chart module takes its colours from here; :func:`single_weight_config`
is applied to every spec by :mod:`pipeline.report` so each chart embeds one
font face (which also keeps vl-convert's PDF bytes stable between runs).
"""

from __future__ import annotations

from typing import Any

# --- Okabe–Ito categorical colours ------------------------------------------------------
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
SKY_BLUE = "#56B4E9"
REDDISH_PURPLE = "#CC79A7"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#999999"
OKABE_ITO: tuple[str, ...] = (
    BLUE,
    ORANGE,
    GREEN,
    REDDISH_PURPLE,
    SKY_BLUE,
    VERMILION,
    YELLOW,
    BLACK,
)

# --- ColorBrewer PuOr (diverging answer scales, two-group contrasts) --------------------
PUOR_DARK_ORANGE = "#e66101"
PUOR_LIGHT_ORANGE = "#fdb863"
PUOR_NEUTRAL = "#e7e1ef"
PUOR_LIGHT_PURPLE = "#b2abd2"
PUOR_DARK_PURPLE = "#5e3c99"

# --- ColorBrewer Blues (sequential) -----------------------------------------------------
BLUES: tuple[str, ...] = (
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)
NEAR_WHITE = "#f4f4f4"
NOT_MEASURED_GREY = "#f0f0f0"

# --- hidden cells, outlines and text ----------------------------------------------------
SUPPRESSED_FILL = "#bdbdbd"
SUPPRESSED_STROKE = "#252525"
NOT_INCLUDED_FILL = "#d4d4d4"
NOT_INCLUDED_STROKE = "#7a7a7a"
TEXT = "#333333"
TEXT_DARK = "#222222"
BAND_TEXT = "#7a4f00"  # dark orange, for labels on an orange band
ERA_BAND_TEXT = "#8a5a00"  # dark orange, the co-publication charts' era-band label
LEADER_LINE = "#bbbbbb"  # light grey, from a point to its moved label
BOUNDARY = "#9a9a9a"
LAND_FILL = "#eeeeee"
EDGE = "#8c8c8c"
BAR_OUTLINE = "#969696"
ZERO_RULE = "#525252"

# --- fonts ------------------------------------------------------------------------------
_WEIGHT_KEYS = {"fontWeight", "titleFontWeight", "labelFontWeight", "subtitleFontWeight"}
_SINGLE_WEIGHT_CONFIG = {
    "title": {"fontWeight": "normal", "subtitleFontWeight": "normal"},
    "axis": {"titleFontWeight": "normal", "labelFontWeight": "normal"},
    "legend": {"titleFontWeight": "normal", "labelFontWeight": "normal"},
    "header": {"titleFontWeight": "normal", "labelFontWeight": "normal"},
    "text": {"fontWeight": "normal"},
}


def _single_weight(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: ("normal" if k in _WEIGHT_KEYS else _single_weight(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_single_weight(v) for v in node]
    return node


def apply(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with every text weight set to normal and the theme's config merged in.

    vl-convert's PDF writer orders several embedded fonts differently from one
    process to the next; with one face the PDF bytes are stable across runs.
    """
    spec = _single_weight(spec)
    config = spec.setdefault("config", {})
    for section, values in _SINGLE_WEIGHT_CONFIG.items():
        config[section] = {**config.get(section, {}), **values}
    return spec

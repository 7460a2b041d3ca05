"""Builders shared by the centres cleaner tests: a tiny registry, workbooks and CSVs."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

#: Header of the bundled workbook, in its order.
HEADER = [
    "No.",
    "Centre name",
    "Chinese name",
    "UK partner(s)",
    "Chinese partner(s)",
    "Other partner(s)",
    "Year established",
    "City",
    "Province",
    "Physical location",
    "Research area",
    "Funder(s)",
    "Website",
    "Status",
    "Notes",
]

REGISTRY = {
    "organisations.csv": """org_id,name,name_zh,country,type,city,province_code,uk_nation,aliases
cn-cas,Chinese Academy of Sciences,中国科学院,CN,research_institute,Beijing,CN-BJ,,CAS | 中科院
cn-peking,Peking University,北京大学,CN,university,Beijing,CN-BJ,,PKU | Beijing University | 北大
cn-southeast,Southeast University,东南大学,CN,university,Nanjing,CN-JS,,SEU | Southeast Univ.
cn-tsinghua,Tsinghua University,清华大学,CN,university,Beijing,CN-BJ,,Tsinghua | THU | 清华
gb-cambridge,University of Cambridge,,GB,university,Cambridge,,ENG,Cambridge University | Univ. of Cambridge | The University of Cambridge
gb-edinburgh,University of Edinburgh,,GB,university,Edinburgh,,SCT,Edinburgh University
gb-imperial,Imperial College London,,GB,university,London,,ENG,"Imperial College | Imperial College of Science, Technology & Medicine"
gb-soas,SOAS University of London,,GB,university,London,,ENG,School of Oriental and African Studies | SOAS
us-mit,Massachusetts Institute of Technology,,US,university,Cambridge MA,,,MIT
""",
    "provinces.csv": """code,name_en,name_zh,kind,coastal,aliases
CN-BJ,Beijing,北京,municipality,false,Beijing Shi | Beijing Municipality | 北京市 | BJ | 110000
CN-GD,Guangdong,广东,province,true,Guangdong Province | Guangdong Sheng | 广东省 | GD | 440000
CN-JS,Jiangsu,江苏,province,true,Jiangsu Province | Jiangsu Sheng | 江苏省 | JS | 320000
CN-SH,Shanghai,上海,municipality,true,Shanghai Shi | Shanghai Municipality | 上海市 | SH | 310000
CN-ZJ,Zhejiang,浙江,province,true,Zhejiang Province | Zhejiang Sheng | 浙江省 | ZJ | 330000
""",
    "cities.csv": """city,city_zh,country,province_code,uk_nation,aliases
Beijing,北京,CN,CN-BJ,,Peking
Nanjing,南京,CN,CN-JS,,Nanking
Shanghai,上海,CN,CN-SH,,
Suzhou,苏州,CN,CN-JS,,
Cambridge,,GB,,ENG,
Edinburgh,,GB,,SCT,
London,,GB,,ENG,
""",
    "topics.csv": """topic,label,discipline_group,default_nsi_sector
arts_humanities,Arts and humanities,non_stem,
engineering,Engineering,stem,engineering
environment_ecology,Environment/ecology,stem,
materials_science,Materials science,stem,advanced_materials
sustainable_development,Sustainable development,multidisciplinary,
""",
    "nsi_sectors.csv": """sector,label,in_nsi_act
advanced_materials,Advanced materials,true
artificial_intelligence,Artificial intelligence,true
energy,Energy,true
engineering,Engineering (study category),false
""",
    "research_area_rules.csv": r"""rule_id,kind,pattern,target,priority
sec-ai-01,nsi_sector,\bartificial intelligence\b|\bmachine learning\b,artificial_intelligence,10
sec-energy-01,nsi_sector,\benergy\b|solar|batter(y|ies),energy,10
top-arts-01,topic,\bhumanities\b|\bhistory\b|\bart\b,arts_humanities,10
top-engineering-01,topic,\bengineering\b,engineering,50
top-environment-01,topic,\benvironment(al)?\b|\becology\b,environment_ecology,10
top-materials-01,topic,\bmaterials?\b,materials_science,10
top-sustainable-01,topic,\bsustainab(le|ility)\b,sustainable_development,10
top-sustainable-02,topic,\becology\b,sustainable_development,20
top-aa-01,topic,\bnature\b,environment_ecology,30
top-zz-01,topic,\bnature\b,sustainable_development,30
""",
    "funders.csv": """funder_id,name,name_zh,country,aliases
cn-jiangsu-dost,Jiangsu Provincial Department of Science and Technology,江苏省科学技术厅,CN,Jiangsu Science and Technology Department | Jiangsu DOST
cn-nsfc,National Natural Science Foundation of China,国家自然科学基金委员会,CN,NSFC | NNSFC | Natural Science Foundation of China
gb-british-council,British Council,,GB,
gb-ukri,UK Research and Innovation,,GB,UKRI
""",
}


def row(overrides: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    """A data row keyed by HEADER labels with sensible defaults, updated by ``overrides``."""
    base: dict[str, Any] = {
        "Centre name": "Joint Centre for Materials",
        "UK partner(s)": "University of Cambridge",
        "Chinese partner(s)": "Peking University",
        "Year established": 2015,
        "City": "Beijing",
        "Province": "Beijing",
        "Physical location": "China",
        "Research area": "Advanced materials",
        "Funder(s)": "NSFC; UKRI",
        "Status": "Active",
    }
    base.update(overrides or {})
    base.update(kw)
    return base


def write_xlsx(
    path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    header: Sequence[str] = HEADER,
    title_rows: bool = True,
    trailing_notes: Sequence[str] = (),
    notes_sheet: bool = True,
) -> Path:
    """Write a workbook laid out like the bundled one (title, subtitle, blank, header, data)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Centres"
    if title_rows:
        ws.append(["Joint research centres database - test edition"])
        ws.append(["Maintained for tests"])
        ws.append([])
    ws.append(list(header))
    for i, r in enumerate(rows, start=1):
        values = [r.get(h) for h in header]
        if "No." in header and r.get("No.") is None:
            values[list(header).index("No.")] = i
        ws.append(values)
    for note in trailing_notes:
        ws.append([note])
    if notes_sheet:
        wb.create_sheet("Notes").append(["This workbook is synthetic test data."])
    wb.properties.created = dt.datetime(2022, 1, 1)
    wb.properties.modified = dt.datetime(2022, 1, 1)
    wb.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[dict[str, Any]],
    *,
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
    rename: dict[str, str] | None = None,
) -> Path:
    """Write rows as delimited text with an optional header renaming."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow([(rename or {}).get(h, h) for h in header])
    for r in rows:
        w.writerow(["" if r.get(h) is None else r.get(h) for h in header])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def assert_accounting(result: Any) -> None:
    """raw = non-data + centres + duplicates + rejected, and the parts match the tables."""
    acc = result.accounting
    assert acc["raw_rows"] == (
        acc["non_data_rows"] + acc["centres"] + acc["duplicates"] + acc["rejected"]
    )
    assert acc["centres"] == len(result.centres)
    assert acc["duplicates"] == len(result.duplicates)
    assert acc["rejected"] == result.rejects["source_row"].nunique()


def write_registry(d: Path) -> Path:
    """Write the tiny registry CSVs into ``d``."""
    d.mkdir(parents=True, exist_ok=True)
    for name, text in REGISTRY.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def run_fresh(code: str, *args: object, hashseed: int) -> None:
    """Run ``code`` in a new Python process with its own ``PYTHONHASHSEED`` (own set order)."""
    env = {**os.environ, "PYTHONHASHSEED": str(hashseed), "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, "-c", code, *map(str, args)], check=True, env=env)

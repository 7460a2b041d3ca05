"""Tests for pipeline.biblio.schemas: one definition of the per-work table's types."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.biblio import ingest
from pipeline.biblio.schemas import (
    TABLE_COLUMNS,
    WORK_COLUMNS,
    empty_table_sql,
    staging_arrow_schema,
)


def test_staging_schema_is_the_table_plus_the_record_rank() -> None:
    schema = staging_arrow_schema()
    assert schema.names == [*TABLE_COLUMNS, "rec_rank"]
    assert TABLE_COLUMNS == [*WORK_COLUMNS, "source_file"]
    assert str(schema.field("year").type) == "int32"
    assert str(schema.field("countries").type) == "list<item: string>"


def test_empty_and_filled_outputs_share_one_schema(tmp_path: Path) -> None:
    assert empty_table_sql().endswith(" WHERE false")
    empty = tmp_path / "empty" / "works.parquet"
    ingest([tmp_path / "nothing"], empty, progress=False)
    page = tmp_path / "in" / "page.json"
    page.parent.mkdir()
    page.write_text(
        '{"meta": {"count": 1}, "results": [{"id": "https://openalex.org/W1", '
        '"publication_year": 2020, "authorships": []}]}'
    )
    filled = tmp_path / "filled" / "works.parquet"
    ingest([page], filled, progress=False)
    empty_schema = pq.read_schema(empty).remove_metadata()
    filled_schema = pq.read_schema(filled).remove_metadata()
    assert empty_schema.names == filled_schema.names == TABLE_COLUMNS
    assert [str(t) for t in empty_schema.types] == [str(t) for t in filled_schema.types]

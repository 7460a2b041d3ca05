"""``python -m pipeline.biblio ingest ...`` (same as ``python -m pipeline biblio ingest ...``)."""

from pipeline.biblio.cli import main

if __name__ == "__main__":
    main()

"""Reproducible evidence pipeline for UK–China research engagement (RAND RRA1839-1 rebuild)."""

__version__ = "0.1.0"

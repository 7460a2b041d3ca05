"""Opening export files whatever their wrapping: gzip-compressed or not, in the encoding their
bytes imply.

Any supported text format may arrive gzipped (PubMed distributes its baseline and update
files as ``.xml.gz``; OpenAlex snapshot parts are ``.jsonl.gz``). A compressed file is
recognised by its first two bytes, never by its name. A gzip file cut short (a transfer
that stopped half-way) still gives every byte before the cut: :func:`read_head` returns
them, and a reader streaming through :func:`open_binary` or :func:`open_text` gets its
complete records before ``EOFError`` tells it the rest is missing.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import zlib
from pathlib import Path
from typing import IO

__all__ = [
    "GZIP_ERRORS",
    "ShortReads",
    "is_gzip",
    "open_binary",
    "open_text",
    "read_head",
    "sniff_encoding",
]

log = logging.getLogger(__name__)

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
#: What reading a damaged gzip stream raises: cut short (``EOFError``), or corrupt.
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def is_gzip(path: Path) -> bool:
    """Whether ``path`` starts with the gzip magic bytes."""
    with open(path, "rb") as fh:
        return fh.read(2) == _GZIP_MAGIC


def open_binary(path: Path) -> IO[bytes]:
    """``path`` opened for binary reading, decompressed on the fly when it is gzip."""
    if is_gzip(path):
        return gzip.open(path, "rb")
    return open(path, "rb")


class ShortReads:
    """A binary file whose ``read(n)`` returns what one underlying read gives (``read1``).

    A buffered ``read(n)`` of a gzip stream that ends early raises ``EOFError`` and drops
    the bytes it had already decompressed for that call; with short reads a parser gets
    every byte before the cut, and then the error.
    """

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh

    def read(self, size: int = -1) -> bytes:
        reader = getattr(self._fh, "read1", None)
        if reader is None:
            return self._fh.read(size)
        return reader(size if size and size > 0 else _CHUNK)


def read_head(path: Path, size: int) -> bytes:
    """Up to ``size`` (decompressed) bytes from the start of ``path``.

    A truncated or corrupt gzip stream gives the bytes decompressed before the fault
    instead of an error, so that a file cut half-way is still recognised.
    """
    chunks: list[bytes] = []
    got = 0
    with open_binary(path) as fh:
        reader = ShortReads(fh)
        try:
            while got < size:
                block = reader.read(min(_CHUNK, size - got))
                if not block:
                    break
                chunks.append(block)
                got += len(block)
        except GZIP_ERRORS:
            pass
    return b"".join(chunks)


def sniff_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """Encoding of a text export: from its byte-order mark, else the first that decodes.

    Tries UTF-8, then GB18030 (a superset of GBK, what Excel on a Chinese-language
    Windows saves), then cp1252; logs a warning when it is not UTF-8. Gzip files are
    judged by their decompressed bytes.
    """
    head = read_head(path, sample_bytes)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8":
            log.warning("%s is not UTF-8; reading it as %s", path.name, encoding)
        return "utf-8-sig" if encoding == "utf-8" else encoding
    log.warning("%s is not UTF-8; reading it as cp1252", path.name)
    return "cp1252"


def open_text(path: Path) -> io.TextIOWrapper:
    """``path`` as text (decompressed when gzip) in the encoding its bytes imply."""
    return io.TextIOWrapper(
        open_binary(path), encoding=sniff_encoding(path), errors="replace", newline=""
    )

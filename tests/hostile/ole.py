"""A minimal OLE compound file writer ([MS-CFB]), for the encrypted and legacy workbooks.

Office stores a password-protected ``.xlsx`` as an OLE compound file holding an
``EncryptionInfo`` and an ``EncryptedPackage`` stream; a legacy ``.xls`` is one holding a
``Workbook`` stream. This module has no other test import, so unit tests can use it directly.
"""

from __future__ import annotations

import struct

SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(
    name: str,
    kind: int,
    *,
    color: int = 1,
    right: int = NO_STREAM,
    child: int = NO_STREAM,
    start: int = 0,
    size: int = 0,
) -> bytes:
    """One 128-byte directory entry of a compound file ([MS-CFB] 2.6.1); kind 0 is unused."""
    raw = (name.encode("utf-16-le") + b"\0\0") if name else b""
    entry = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, color)
    entry += struct.pack("<III", NO_STREAM, right, child) + b"\0" * 36
    return entry + struct.pack("<IQ", start, size)


def compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """A minimal version-3 OLE compound file holding ``streams`` (each >= 4096 bytes).

    One FAT sector (0), one directory sector (1), then each stream in consecutive sectors;
    the root's child is the first stream and each stream's right sibling is the next.
    """
    fat = [FAT_SECTOR, END]
    entries = [b""]
    for i, (name, data) in enumerate(streams):
        assert len(data) >= 4096 and len(data) % SECTOR == 0
        start, n = len(fat), len(data) // SECTOR
        fat += [*range(start + 1, start + n), END]
        right = i + 2 if i + 1 < len(streams) else NO_STREAM
        color = 1 if i == 0 else 0  # the first is black, the siblings hanging off it red
        entries.append(_dir_entry(name, 2, color=color, right=right, start=start, size=len(data)))
    entries[0] = _dir_entry("Root Entry", 5, child=1, start=END)
    entries += [_dir_entry("", 0, color=0)] * (SECTOR // 128 - len(entries))
    directory = b"".join(entries)
    assert len(fat) <= SECTOR // 4 and len(directory) == SECTOR
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIII", 0, 1, 1, 0) + struct.pack("<IIIII", 4096, END, 0, END, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", FREE) * 108
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    return header + fat_sector + directory + b"".join(data for _, data in streams)

"""Just enough PDF reading to check what a reportlab document says (no PDF library needed).

Reportlab writes text as ``(...) Tj`` strings in (ASCII85 and Flate) content streams; with an
embedded TrueType subset, bytes above ASCII map to characters through the font's ToUnicode
CMap. Strings are decoded with every CMap's mapping for their byte codes, which is enough for
the short documents the tests make.
"""

from __future__ import annotations

import base64
import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
STRING = re.compile(rb"\((.*?)(?<!\\)\)\s*Tj", re.S)
BFCHAR = re.compile(rb"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>")
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"(": b"(", b")": b")", b"\\": b"\\"}


def _streams(pdf: bytes) -> list[bytes]:
    found = []
    for raw in STREAM.findall(pdf):
        data = raw.strip()
        if data.endswith(b"~>"):  # reportlab's page streams: ASCII85 around Flate
            data = base64.a85decode(data, adobe=True)
        try:
            found.append(zlib.decompressobj().decompress(data))  # ignores trailing bytes
        except zlib.error:
            found.append(data)
    return found


def _unescape(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(data):
        if data[i : i + 1] == b"\\":
            nxt = data[i + 1 : i + 2]
            if nxt in ESCAPES:
                out += ESCAPES[nxt]
                i += 2
                continue
            octal = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
        out += data[i : i + 1]
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """Every text string of the document, in order, joined by spaces (whitespace collapsed)."""
    streams = _streams(pdf)
    mapping: dict[int, str] = {}
    for stream in streams:
        if b"begincmap" in stream:
            for code, unicode in BFCHAR.findall(stream):
                value = int(unicode, 16)
                if value:
                    mapping.setdefault(int(code, 16), chr(value))
    parts = []
    for stream in streams:
        for raw in STRING.findall(stream):
            data = _unescape(raw)
            parts.append("".join(chr(b) if 32 <= b < 127 else mapping.get(b, "?") for b in data))
    return re.sub(r"\s+", " ", " ".join(parts))

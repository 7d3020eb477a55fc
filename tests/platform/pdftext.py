"""Text of a ReportLab PDF, for the canary tests (no PDF library is installed).

Each content stream is inflated and its string operands decoded through the font in use: a
Type 1 font's bytes are Latin-1; an embedded TrueType subset's bytes are glyph codes, mapped
back to characters through the font's ToUnicode CMap.
"""

from __future__ import annotations

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*?)\r?\n?endstream", re.S)
_TOKEN = re.compile(rb"/([^\s/\[\]()<>]+)\s+[\d.]+\s+Tf|\(((?:[^()\\]|\\.)*)\)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _inflate(head: bytes, raw: bytes) -> bytes:
    if b"/ASCII85Decode" in head:
        raw = base64.a85decode(raw.strip().removesuffix(b"~>"))
    if b"/FlateDecode" in head:
        raw = zlib.decompress(raw)
    return raw


def _unescape(literal: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(literal):
        byte = literal[i : i + 1]
        if byte != b"\\":
            out += byte
            i += 1
            continue
        following = literal[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            out += _ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, uni in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(uni, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def pdf_text(data: bytes) -> str:
    bodies: dict[int, tuple[bytes, bytes | None]] = {}
    for number, body in _OBJECT.findall(data):
        has_stream = _STREAM.match(body)
        if has_stream:
            head, raw = has_stream.group(1), has_stream.group(2)
            bodies[int(number)] = (head, _inflate(head, raw))
        else:
            bodies[int(number)] = (body, None)
    to_unicode: dict[int, dict[int, str]] = {}
    for number, (head, _) in bodies.items():
        found = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if b"/Font" in head and found:
            cmap_stream = bodies.get(int(found.group(1)), (b"", None))[1] or b""
            to_unicode[number] = _cmap(cmap_stream)
    fonts: dict[bytes, dict[int, str]] = {}
    for head, _ in bodies.values():
        for name, number in re.findall(rb"/([^\s/\[\]()<>]+) (\d+) 0 R", head):
            if int(number) in to_unicode:
                fonts[name] = to_unicode[int(number)]
    pieces: list[str] = []
    for head, stream in bodies.values():
        if stream is None or b"/Length1" in head or b"beginbfchar" in stream:
            continue
        current: dict[int, str] | None = None
        for match in _TOKEN.finditer(stream):
            if match.group(1) is not None:
                current = fonts.get(match.group(1))
                continue
            raw = _unescape(match.group(2))
            if current is None:
                pieces.append(raw.decode("latin-1"))
            else:
                pieces.append("".join(current.get(b, "\ufffd") for b in raw))
    return " ".join(pieces)

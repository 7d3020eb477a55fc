"""The PDF's fast text path writes what reportlab's own drawString writes."""

from __future__ import annotations

import io
import re

from reportlab.pdfgen.canvas import Canvas

from safeguard.safeguarding.pdf import _FONT, _SIZE, _fonts, _Text, _Wrapper


def _tj_payloads(pdf: bytes) -> list[bytes]:
    return re.findall(rb"\((.*?)\) Tj", pdf)


def test_fast_text_matches_reportlabs_own_encoding() -> None:
    _fonts()
    sample = "Zoë Ünal (aged 3) & Łukasz: bruise, “fell” \\ 100%"
    canvas = Canvas(io.BytesIO(), pageCompression=0)
    canvas.setFont(_FONT, _SIZE)
    canvas.drawString(10, 10, sample)
    reference = _tj_payloads(canvas.getpdfdata())
    fast_canvas = Canvas(io.BytesIO(), pageCompression=0)
    text = _Text(fast_canvas)
    text.draw(10, 10, sample, _FONT)
    text.draw(10, 30, sample, _FONT)  # the second time from the cache
    fast = _tj_payloads(fast_canvas.getpdfdata())
    assert reference and fast == reference * 2


def test_wrapping_keeps_every_word_within_the_width() -> None:
    _fonts()
    wrapper = _Wrapper(_FONT)
    text = "A long explanation given by the mother " * 5 + "Supercalifragilisticexpialidocious" * 3
    lines = wrapper.wrap(text, 120)
    assert " ".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(sum(wrapper.width(w) for w in line.split()) <= 120 for line in lines)
    assert wrapper.wrap("", 100) == [""]


def test_names_in_greek_and_cyrillic_have_glyphs_in_the_pdf_font() -> None:
    """A child or adult named in another script must print, not show as empty boxes."""
    from reportlab.pdfbase import pdfmetrics

    _fonts()
    glyphs = pdfmetrics.getFont(_FONT).face.charToGlyph
    for letter in "ОленаКовальчукΕλένηŁukaszŞükrü":
        assert ord(letter) in glyphs, letter

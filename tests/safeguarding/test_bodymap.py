"""The body map: sites, outlines and where marks are drawn."""

from __future__ import annotations

from safeguard.safeguarding.bodymap import (
    SITE_VIEWS,
    SITES,
    Mark,
    Outline,
    all_shapes,
    body_map_svg,
    mark_point,
    site_label,
)


def test_every_site_is_one_shape_on_every_outline() -> None:
    assert len(SITES) == len(set(SITES)) > 30
    for outline in Outline:
        assert sorted(s.site for s in all_shapes(outline)) == sorted(SITES)
    assert SITE_VIEWS["buttocks"] == "back" and SITE_VIEWS["face"] == "front"


def test_a_mark_keeps_its_place_within_the_site_on_either_outline() -> None:
    for outline in Outline:
        shape = next(s for s in all_shapes(outline) if s.site == "left_forearm_back")
        x, y = mark_point(outline, "left_forearm_back", 0.25, 0.75)
        assert shape.x + 0.25 * shape.w < x  # the back view is drawn to the right of the front
        assert y == shape.y + 0.75 * shape.h


def test_labels_read_as_words() -> None:
    assert site_label("right_forearm_back") == "Right forearm (back)"
    assert site_label("upper_back") == "Upper back"
    assert site_label("neck_front") == "Neck (front)"


def test_svg_escapes_everything_it_is_given() -> None:
    svg = body_map_svg(
        Outline.INFANT, [Mark(1, "face", None, None, "x", "<script>alert(1)</script>")]
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('class="sg-site') == len(SITES)

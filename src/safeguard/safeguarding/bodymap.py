"""The body map: named body sites drawn as SVG shapes, on an infant and a child outline.

A site is a shape, so clicking the drawing picks a site (``bodymap.js``); without JavaScript
the same sites are a select list. A mark is stored as (site, u, v): its position *within the
site's box* (0..1), not in drawing coordinates, so an injury marked on the infant outline is
drawn at the same place on the child outline. Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import escape


class Outline(StrEnum):
    INFANT = "infant"
    CHILD = "child"


def outline_named(name: str | None) -> Outline | None:
    """The outline called ``name``, or None for anything else."""
    return next((o for o in Outline if o.value == name), None)


@dataclass(frozen=True)
class Proportions:
    head: float  # head radius
    neck: float
    torso_width: float
    chest: float
    abdomen: float
    pelvis: float
    arm_width: float
    upper_arm: float
    forearm: float
    hand: float
    leg_width: float
    thigh: float
    lower_leg: float
    foot: float


# An infant's head is large and its limbs short: the outline follows, the sites stay the same.
_PROPORTIONS = {
    Outline.CHILD: Proportions(22, 12, 64, 58, 40, 20, 16, 52, 46, 18, 26, 78, 72, 16),
    Outline.INFANT: Proportions(32, 8, 66, 48, 36, 18, 17, 36, 32, 15, 26, 50, 44, 14),
}

VIEW_WIDTH = 170.0
VIEW_GAP = 20.0
TOP = 24.0  # room for the view's caption


@dataclass(frozen=True)
class Shape:
    site: str
    view: str  # "front" or "back"
    kind: str  # "ellipse" or "rect"
    x: float  # box of the shape, in the view's own coordinates
    y: float
    w: float
    h: float

    @property
    def label(self) -> str:
        return site_label(self.site)


def site_label(site: str) -> str:
    """``right_forearm_back`` → "Right forearm (back)"; ``upper_back`` → "Upper back"."""
    words = site.split("_")
    surface = ""
    if (len(words) > 2 and words[-1] in ("front", "back")) or words[0] == "neck":
        surface = f" ({words[-1]})"
        words = words[:-1]
    return " ".join(words).capitalize() + surface


def _sides(view: str) -> tuple[str, str]:
    """(the side drawn on the viewer's left, the other): on the front view that is the
    child's right."""
    return ("right", "left") if view == "front" else ("left", "right")


def _limbs(p: Proportions, view: str, cx: float, shoulder_y: float, hip_y: float) -> list[Shape]:
    shapes: list[Shape] = []
    drawn_left, drawn_right = _sides(view)
    suffix = f"_{view}"
    for side, sign in ((drawn_left, -1.0), (drawn_right, 1.0)):
        arm_x = cx + sign * (p.torso_width / 2 + p.arm_width / 2 + 2) - p.arm_width / 2
        y = shoulder_y
        shapes.append(
            Shape(f"{side}_upper_arm{suffix}", view, "rect", arm_x, y, p.arm_width, p.upper_arm)
        )
        y += p.upper_arm + 2
        shapes.append(
            Shape(f"{side}_forearm{suffix}", view, "rect", arm_x, y, p.arm_width, p.forearm)
        )
        y += p.forearm + 2
        shapes.append(
            Shape(f"{side}_hand{suffix}", view, "ellipse", arm_x - 1, y, p.arm_width + 2, p.hand)
        )
        leg_x = cx + sign * (p.leg_width / 2 + 2) - p.leg_width / 2
        y = hip_y
        shapes.append(Shape(f"{side}_thigh{suffix}", view, "rect", leg_x, y, p.leg_width, p.thigh))
        y += p.thigh + 2
        shapes.append(
            Shape(f"{side}_lower_leg{suffix}", view, "rect", leg_x, y, p.leg_width, p.lower_leg)
        )
        y += p.lower_leg + 2
        foot_w = p.leg_width + 6
        foot_x = leg_x + (sign * 3 if view == "front" else 0) - 3
        shapes.append(Shape(f"{side}_foot{suffix}", view, "ellipse", foot_x, y, foot_w, p.foot))
    return shapes


def shapes_for(outline: Outline, view: str) -> list[Shape]:
    """The sites of one view, in drawing order (later shapes lie on top)."""
    p = _PROPORTIONS[outline]
    cx = VIEW_WIDTH / 2
    head_top = TOP
    head_h, head_w = p.head * 2, p.head * 1.7
    shapes: list[Shape] = []
    if view == "front":
        shapes.append(
            Shape("top_of_head", view, "ellipse", cx - head_w / 2, head_top, head_w, head_h)
        )
        shapes.append(
            Shape(
                "face",
                view,
                "ellipse",
                cx - head_w * 0.36,
                head_top + head_h * 0.3,
                head_w * 0.72,
                head_h * 0.66,
            )
        )
        ear_w, ear_h = p.head * 0.34, p.head * 0.6
        ear_y = head_top + head_h * 0.4
        shapes.append(
            Shape("right_ear", view, "ellipse", cx - head_w / 2 - ear_w * 0.7, ear_y, ear_w, ear_h)
        )
        shapes.append(
            Shape("left_ear", view, "ellipse", cx + head_w / 2 - ear_w * 0.3, ear_y, ear_w, ear_h)
        )
    else:
        shapes.append(
            Shape("back_of_head", view, "ellipse", cx - head_w / 2, head_top, head_w, head_h)
        )
    neck_y = head_top + head_h - 2
    neck_w = p.torso_width * 0.35
    shapes.append(Shape(f"neck_{view}", view, "rect", cx - neck_w / 2, neck_y, neck_w, p.neck + 4))
    torso_x = cx - p.torso_width / 2
    y = neck_y + p.neck + 2
    shoulder_y = y
    if view == "front":
        shapes.append(Shape("chest", view, "rect", torso_x, y, p.torso_width, p.chest))
        y += p.chest + 2
        shapes.append(Shape("abdomen", view, "rect", torso_x, y, p.torso_width, p.abdomen))
        y += p.abdomen + 2
        shapes.append(Shape("genital_area", view, "rect", torso_x, y, p.torso_width, p.pelvis))
    else:
        shapes.append(Shape("upper_back", view, "rect", torso_x, y, p.torso_width, p.chest))
        y += p.chest + 2
        shapes.append(Shape("lower_back", view, "rect", torso_x, y, p.torso_width, p.abdomen))
        y += p.abdomen + 2
        shapes.append(Shape("buttocks", view, "rect", torso_x, y, p.torso_width, p.pelvis))
    hip_y = y + p.pelvis + 2
    shapes.extend(_limbs(p, view, cx, shoulder_y, hip_y))
    return shapes


def all_shapes(outline: Outline) -> list[Shape]:
    return shapes_for(outline, "front") + shapes_for(outline, "back")


def _site_order() -> list[str]:
    return [s.site for s in all_shapes(Outline.CHILD)]


SITES: tuple[str, ...] = tuple(_site_order())
SITE_VIEWS: dict[str, str] = {s.site: s.view for s in all_shapes(Outline.CHILD)}
SITE_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (s, ("Front: " if SITE_VIEWS[s] == "front" else "Back: ") + site_label(s).split(" (")[0])
    for s in SITES
)


def canvas_height(outline: Outline) -> float:
    return max(s.y + s.h for s in all_shapes(outline)) + 8


@dataclass(frozen=True)
class Mark:
    number: int
    site: str
    u: float | None  # position within the site's box; None = its centre
    v: float | None
    css_class: str  # e.g. the agency, for colour
    title: str


def mark_point(
    outline: Outline, site: str, u: float | None, v: float | None
) -> tuple[float, float]:
    """Where a mark goes in the whole drawing (front and back side by side)."""
    for shape in all_shapes(outline):
        if shape.site == site:
            uu = 0.5 if u is None else min(max(u, 0.0), 1.0)
            vv = 0.5 if v is None else min(max(v, 0.0), 1.0)
            offset = 0.0 if shape.view == "front" else VIEW_WIDTH + VIEW_GAP
            return offset + shape.x + uu * shape.w, shape.y + vv * shape.h
    raise KeyError(site)


def _shape_svg(shape: Shape, selected: str) -> str:
    classes = "sg-site" + (" sg-site--selected" if shape.site == selected else "")
    common = f'class="{classes}" data-site="{escape(shape.site)}" data-view="{shape.view}"'
    title = f"<title>{escape(shape.label)}</title>"
    if shape.kind == "ellipse":
        return (
            f'<ellipse {common} cx="{shape.x + shape.w / 2:.1f}" cy="{shape.y + shape.h / 2:.1f}" '
            f'rx="{shape.w / 2:.1f}" ry="{shape.h / 2:.1f}">{title}</ellipse>'
        )
    return (
        f'<rect {common} x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.w:.1f}" '
        f'height="{shape.h:.1f}" rx="4">{title}</rect>'
    )


def body_map_svg(
    outline: Outline,
    marks: Sequence[Mark] = (),
    *,
    selected: str = "",
    interactive: bool = False,
    title: str = "Body map",
) -> str:
    """The drawing as SVG markup (every value escaped; numbers formatted by us)."""
    height = canvas_height(outline)
    width = VIEW_WIDTH * 2 + VIEW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sg-body-map'
        f'{" sg-body-map--interactive" if interactive else ""}" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" role="img" aria-label="{escape(title)}" data-outline="{outline.value}">',
        f"<title>{escape(title)}</title>",
    ]
    for view, offset in (("front", 0.0), ("back", VIEW_WIDTH + VIEW_GAP)):
        parts.append(
            f'<g class="sg-view" data-view="{view}" transform="translate({offset:.0f} 0)">'
        )
        parts.append(
            f'<text class="sg-view-caption" x="{VIEW_WIDTH / 2:.0f}" y="14" '
            f'text-anchor="middle">{view.capitalize()}</text>'
        )
        parts.extend(_shape_svg(s, selected) for s in shapes_for(outline, view))
        parts.append("</g>")
    parts.append('<g class="sg-marks">')
    for mark in marks:
        x, y = mark_point(outline, mark.site, mark.u, mark.v)
        parts.append(
            f'<g class="sg-mark {escape(mark.css_class)}" data-site="{escape(mark.site)}">'
            f"<title>{escape(mark.title)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7"></circle>'
            f'<text x="{x:.1f}" y="{y + 3.5:.1f}" text-anchor="middle">{mark.number}</text></g>'
        )
    parts.append("</g></svg>")
    return "".join(parts)

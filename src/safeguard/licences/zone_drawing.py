"""Zone maps for the licence document, drawn with reportlab graphics (no tiles, no network).

Zones are projected to the British National Grid so the map is in true proportion, with the
approved address as a dot, a scale bar in metres and a north arrow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from shapely.geometry import shape

from safeguard.licences.engine.zones import to_grid

ZONE_COLOURS = {
    "exclusion": colors.HexColor("#d4351c"),
    "inclusion": colors.HexColor("#00703c"),
    "event": colors.HexColor("#f47738"),
}


@dataclass(frozen=True)
class MapZone:
    kind: str  # exclusion, inclusion or event
    geometry: Mapping[str, Any]


def _nice_length(limit: float) -> float:
    """The largest 1, 2 or 5 × 10^n metres not longer than ``limit``."""
    if limit <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(limit))
    return float(max(step * power for step in (1, 2, 5) if step * power <= limit))


def _label(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def zone_map(
    zones: Sequence[MapZone],
    address: tuple[float, float] | None,
    *,
    width: float = 430,
    height: float = 300,
    font: str = "Helvetica",
) -> Drawing:
    """A drawing of the zones (and the address as a dot), fitted to ``width`` × ``height``."""
    drawing = Drawing(width, height)
    drawing.add(
        Rect(0, 0, width, height, fillColor=colors.HexColor("#f3f2f1"), strokeColor=colors.grey)
    )
    projected = [(zone.kind, to_grid(shape(zone.geometry))) for zone in zones]
    point = to_grid(shapely.Point(address[1], address[0])) if address else None
    extent = [geometry for _, geometry in projected] + ([point] if point is not None else [])
    if not extent:
        return drawing
    min_x, min_y, max_x, max_y = shapely.GeometryCollection(extent).bounds
    span = max(max_x - min_x, max_y - min_y, 200.0)  # at least 200 m across
    margin = 24.0
    scale = min((width - 2 * margin) / span, (height - 2 * margin) / span)
    mid_x, mid_y = (min_x + max_x) / 2, (min_y + max_y) / 2

    def place(x: float, y: float) -> tuple[float, float]:
        return width / 2 + (x - mid_x) * scale, height / 2 + (y - mid_y) * scale

    for kind, geometry in projected:
        colour = ZONE_COLOURS.get(kind, ZONE_COLOURS["exclusion"])
        for polygon in shapely.get_parts(geometry):
            for ring, fill in [(polygon.exterior, colour)] + [
                (hole, colors.HexColor("#f3f2f1")) for hole in polygon.interiors
            ]:
                points = [c for x, y in ring.coords for c in place(x, y)]
                drawing.add(
                    Polygon(
                        points,
                        fillColor=fill,
                        fillOpacity=0.35,
                        strokeColor=colour,
                        strokeWidth=1.5,
                    )
                )
    if point is not None:
        x, y = place(point.x, point.y)
        drawing.add(Circle(x, y, 4, fillColor=colors.black, strokeColor=colors.white))
        drawing.add(String(x + 7, y - 3, "Approved address", fontName=font, fontSize=8))
    metres = _nice_length((width / 4) / scale)
    bar = metres * scale
    drawing.add(Line(12, 12, 12 + bar, 12, strokeWidth=2))
    drawing.add(String(12, 17, _label(metres), fontName=font, fontSize=8))
    drawing.add(Line(width - 16, height - 30, width - 16, height - 12, strokeWidth=1.5))
    drawing.add(
        Polygon([width - 20, height - 18, width - 16, height - 10, width - 12, height - 18])
    )
    drawing.add(String(width - 19, height - 42, "N", fontName=font, fontSize=9))
    return drawing

"""The Part A (recall report) and the decision-not-to-recall letter as PDFs (reportlab, with
the DejaVu fonts the licences area ships, so names outside Latin-1 print).

Producing either discloses the record (the Part A goes to the casework section, the letter to
the person on licence), so each is audited as a disclosure in the same transaction. For a
protected person seen by someone not cleared, addresses and the tag trail (which shows where
the person goes) are withheld (ADR 0307, ADR 0311).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape  # nosec B406 - escapes text for reportlab; parses no XML

from django.db import transaction
from django.utils import timezone
from reportlab.graphics.shapes import Circle, Drawing, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences.conditions import zone_inputs
from safeguard.licences.documents import BOLD, FONT, _fonts
from safeguard.licences.engine.orders import ZONE_KINDS
from safeguard.licences.selectors import condition_views, conditions_in_force
from safeguard.people.models import PersonIdentifier
from safeguard.recall.models import RECALLS, Stage, mappa_text
from safeguard.recall.selectors import CaseView, case_view
from safeguard.site.errors import DomainError

PART_A_RECIPIENT = "Public Protection Casework Section (recall report)"
LETTER_RECIPIENT = "the person on licence (decision letter)"
WITHHELD = "Withheld: shown only to the named roles"


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()  # before any paragraph is made: reportlab resolves <b> when parsing
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, spaceAfter=5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=19, leading=23),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=BOLD, fontSize=13, leading=17, spaceBefore=9
        ),
        "body": body,
        "small": ParagraphStyle(
            "small", parent=body, fontSize=8.5, leading=11, textColor=colors.grey
        ),
    }


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "Not recorded"


def _when(value: datetime | None) -> str:
    if value is None:
        return "Not yet"
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(rows: Sequence[tuple[str, str]], s: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[Paragraph(f"<b>{escape(k)}</b>", s["body"]), _p(v, s["body"])] for k, v in rows],
        colWidths=[50 * mm, 120 * mm],
    )
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ]
    )
    return table


def _address(view: CaseView) -> str:
    if view.addresses_withheld:
        return WITHHELD
    a = view.current_address
    return f"{a.line1}, {a.town}, {a.postcode}" if a is not None else "None recorded"


def _identifiers(view: CaseView) -> str:
    rows = PersonIdentifier.objects.filter(person=view.person).order_by("scheme", "value")
    return "; ".join(f"{r.get_scheme_display()}: {r.value}" for r in rows) or "None recorded"


def _signature(user: Any, at: datetime | None, note: str = "") -> str:
    if user is None:
        return "Awaiting"
    text = f"{user.display_name}, {_when(at)}"
    return f"{text}. {note}" if note else text


def _trail_drawing(trail: list[list[float]], zones: list[tuple[str, Any]]) -> Drawing:
    """The tag fixes of one violation as a line, over the licence's zones (equirectangular:
    enough over a few kilometres)."""
    width, height, pad = 400.0, 220.0, 12.0
    points = [(lat, lon) for lat, lon in trail]
    for _kind, geometry in zones:
        for ring in _rings(geometry):
            points.extend((lat, lon) for lon, lat in ring)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    mid = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * mid, 1e-5)
    span_y = max(max(lats) - min(lats), 1e-5)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (pad + (lon - min(lons)) * mid * scale, pad + (lat - min(lats)) * scale)

    drawing = Drawing(width, height)
    drawing.add(Rect(0, 0, width, height, fillColor=colors.HexColor("#f3f2f1"), strokeWidth=0.5))
    fills = {"exclusion": "#d4351c", "inclusion": "#00703c", "event": "#f47738"}
    for kind, geometry in zones:
        colour = colors.HexColor(fills.get(kind, "#d4351c"))
        for ring in _rings(geometry):
            flat = [c for lon, lat in ring for c in xy(lat, lon)]
            drawing.add(Polygon(flat, strokeColor=colour, fillColor=colour, fillOpacity=0.2))
    line = [c for lat, lon in trail for c in xy(lat, lon)]
    if len(trail) > 1:
        drawing.add(PolyLine(line, strokeColor=colors.HexColor("#1d70b8"), strokeWidth=1.5))
    for label, (lat, lon) in (("start", trail[0]), ("end", trail[-1])):
        x, y = xy(lat, lon)
        drawing.add(Circle(x, y, 3, fillColor=colors.HexColor("#0b0c0c")))
        drawing.add(String(x + 4, y + 3, label, fontName=FONT, fontSize=7))
    metres = span_x * 111_320
    drawing.add(
        String(pad, height - 10, f"About {metres:,.0f} m across", fontName=FONT, fontSize=7)
    )
    return drawing


def _rings(geometry: Any) -> list[list[list[float]]]:
    if not isinstance(geometry, dict):
        return []
    coords = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        return [coords[0]] if coords else []
    if geometry.get("type") == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    return []


def _licence_zones(view: CaseView) -> list[tuple[str, Any]]:
    licence = view.licence
    if licence is None:
        return []
    day = licence.recalled_on or timezone.localdate()
    if licence.recalled_on is not None:
        day = date.fromordinal(day.toordinal() - 1)
    found = []
    for row in conditions_in_force(licence, on=day):
        for name, geometry in zone_inputs(licence, row):
            found.append((ZONE_KINDS.get(name, "exclusion"), geometry))
    return found


def _evidence(view: CaseView, s: dict[str, ParagraphStyle]) -> list[Any]:
    flow: list[Any] = [Paragraph("Conditions breached and what led to recall", s["h2"])]
    if not view.evidence:
        flow.append(_p("No evidence recorded.", s["body"]))
    zones = [] if view.addresses_withheld else _licence_zones(view)
    for number, ev in enumerate(view.evidence, start=1):
        item = ev.item
        flow.append(
            Paragraph(
                f"<b>{number}. {escape(item.get_kind_display())}</b> – "
                f"{escape(_when(item.occurred_at))}",
                s["body"],
            )
        )
        snap = item.snapshot or {}
        if item.violation_id is not None:
            ended = snap.get("ended_at")
            rows = [
                ("Tag violation", str(snap.get("kind_label", ""))),
                ("Started", _when(datetime.fromisoformat(snap["started_at"]))),
                ("Ended", _when(datetime.fromisoformat(ended)) if ended else "Still open"),
                ("Zone", str(snap.get("zone") or "Not applicable")),
                ("Rules version", str(snap.get("rule_version", ""))),
                (
                    "Monitoring outcome",
                    str(snap.get("outcome") or snap.get("state") or "").replace("_", " "),
                ),
                ("Tag fixes", f"{ev.fixes} fixes in the violation"),
            ]
            if snap.get("note"):
                rows.append(("Practitioner's note", str(snap["note"])))
            flow.append(_table(rows, s))
            trail = snap.get("trail") or []
            if ev.trail_withheld:
                flow.append(_p("Map withheld: shown only to the named roles.", s["small"]))
            elif trail:
                flow.append(
                    KeepTogether(
                        [
                            _trail_drawing(trail, zones),
                            _p("Tag trail during the violation (blue).", s["small"]),
                        ]
                    )
                )
        else:
            flow.append(_p(item.details, s["body"]))
    return flow


def _conditions(view: CaseView, s: dict[str, ParagraphStyle]) -> list[Any]:
    licence = view.licence
    if licence is None:
        return [_p("No licence in force was recorded when the case was opened.", s["body"])]
    day = timezone.localdate()
    if licence.recalled_on is not None:
        day = date.fromordinal(licence.recalled_on.toordinal() - 1)
    rows = conditions_in_force(licence, on=day)
    views = condition_views(licence, rows, withhold=view.addresses_withheld)
    flow: list[Any] = [
        _p(
            f"Licence from {_day(licence.start_date)} to {_day(licence.end_date)} "
            f"({licence.get_status_display().lower()}); conditions in force on {_day(day)}:",
            s["body"],
        )
    ]
    for number, condition in enumerate(views, start=1):
        flow.append(_p(f"{number}. {condition.text}", s["small"]))
    return flow


def _previous(view: CaseView, s: dict[str, ParagraphStyle]) -> list[Any]:
    """Earlier recalls (other licences) and parole reviews, newest first."""
    rows: list[tuple[date, str, str]] = [
        (r.recalled_on, "Recalled", f"Licence from {_day(r.start_date)} recalled")
        for r in view.previous_recalls
        if r.recalled_on is not None
    ]
    rows += [
        (
            p.held_on,
            f"Parole review ({p.get_kind_display().lower()})",
            p.get_outcome_display(),
        )
        for p in view.parole_reviews
    ]
    if not rows:
        return [_p("None recorded.", s["body"])]
    rows.sort(key=lambda row: row[0], reverse=True)
    return [_table([(f"{_day(on)}", f"{event}: {outcome}") for on, event, outcome in rows], s)]


def _build(title: str, flow: list[Any], footer_text: str) -> bytes:
    _fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        title=title,
        author="Safeguard",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(20 * mm, 10 * mm, f"Official-sensitive · {footer_text} · page {doc.page}")
        canvas.restoreState()

    document.build(flow, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def part_a_document(view: CaseView) -> bytes:
    """The recall report, prefilled from the person, licence, case and tag evidence."""
    s = _styles()
    case, person = view.case, view.person
    assessment = case.assessment or {}
    reasons = assessment.get("reasons") or []
    mappa = mappa_text(case.mappa_category, case.mappa_level)
    flow: list[Any] = [
        Paragraph("Official-sensitive", s["small"]),
        Paragraph("Part A: recall report", s["title"]),
        _p(f"Breach case {case.reference}", s["body"]),
        Paragraph("Person on licence", s["h2"]),
        _table(
            [
                ("Name", person.full_name),
                ("Date of birth", _day(person.date_of_birth)),
                ("Identifiers", _identifiers(view)),
                ("Current address", _address(view)),
                ("Custody status", case.get_custody_status_display() or "Not recorded"),
            ],
            s,
        ),
        Paragraph("Index offence and sentence", s["h2"]),
        _table(
            [
                ("Index offence", case.index_offence or "Not recorded"),
                ("Sentence", case.get_sentence_type_display()),
                (
                    "Length",
                    f"{case.sentence_length_months} months"
                    if case.sentence_length_months
                    else "Not recorded",
                ),
                ("Date of sentence", _day(case.sentence_date)),
                ("MAPPA", mappa),
            ],
            s,
        ),
        Paragraph("Licence", s["h2"]),
        *_conditions(view, s),
        *_evidence(view, s),
        Paragraph("Alternatives to recall already tried", s["h2"]),
        _p(case.alternatives_tried or "None recorded.", s["body"]),
        Paragraph("Response to supervision", s["h2"]),
        _p(case.response_to_supervision or "Not recorded.", s["body"]),
        Paragraph("Risk of serious harm", s["h2"]),
        _table([(f"Risk to {group.lower()}", level) for group, level in case.risk_levels], s),
        _p(case.risk_of_serious_harm or "No further detail recorded.", s["body"]),
        Paragraph("Vulnerabilities", s["h2"]),
        _p(case.vulnerabilities or "None recorded.", s["body"]),
        Paragraph("Previous recalls and parole reviews", s["h2"]),
        *_previous(view, s),
        Paragraph("Recommendation", s["h2"]),
        _table(
            [
                ("Recommendation", case.get_recommendation_display() or "Not yet made"),
                (
                    "Fixed-term length",
                    f"{assessment['fixed_term_days']} days"
                    if case.recommendation == "recall_fixed_term"
                    and assessment.get("fixed_term_days")
                    else "Not applicable",
                ),
                ("Rationale", case.rationale or "Not yet given"),
                ("Rules applied", str(assessment.get("rule_set") or "Not assessed")),
                ("Rules' reasons", " ".join(str(r) for r in reasons) or "None"),
                (
                    "Recommended by",
                    _signature(case.recommended_by, case.recommended_at),
                ),
            ],
            s,
        ),
        Paragraph("Countersignatures", s["h2"]),
        _table(
            [
                (
                    "Senior practitioner (decision)",
                    _signature(case.countersigned_by, case.countersigned_at, case.countersign_note),
                ),
                (
                    "Assistant chief officer level",
                    _signature(case.approved_by, case.approved_at, case.approve_note),
                ),
                ("Decision time", _when(case.countersigned_at)),
                (
                    "Send to the casework section by",
                    _when(case.send_by) if case.send_by else "Not applicable",
                ),
            ],
            s,
        ),
    ]
    caveats = assessment.get("caveats") or []
    if caveats:
        flow.append(_p("Caveats: " + " ".join(str(c) for c in caveats), s["small"]))
    return _build("Part A: recall report", flow, f"Part A {case.reference}")


def letter_document(view: CaseView) -> bytes:
    """The decision-not-to-recall letter to the person on licence."""
    s = _styles()
    case, person = view.case, view.person
    if view.addresses_withheld:
        address = [WITHHELD]
    elif view.current_address is not None:
        a = view.current_address
        address = [a.line1, a.town, a.postcode]
    else:
        address = ["Address not recorded"]
    breaches = [ev.item.get_kind_display().lower() for ev in view.evidence]
    outcome = {
        "no_further_action": "no further action will be taken on this occasion.",
        "warning": "this letter is a formal warning.",
        "variation": "your licence conditions will be reviewed and may be varied.",
    }.get(case.recommendation, "you will not be recalled to custody on this occasion.")
    signer = case.countersigned_by
    flow: list[Any] = [
        Paragraph("Official-sensitive", s["small"]),
        _p("\n".join([person.full_name, *address]), s["body"]),
        Spacer(1, 8),
        _p(_day(timezone.localdate()), s["body"]),
        Spacer(1, 8),
        Paragraph("Decision not to recall you to custody", s["title"]),
        _p(f"Dear {person.full_name},", s["body"]),
        _p(
            "We have considered whether to recall you to custody because of "
            + (", ".join(dict.fromkeys(breaches)) or "a breach of your licence")
            + f". We have decided not to recall you, and {outcome}",
            s["body"],
        ),
        _p(
            "You must keep to every condition of your licence. If you do not, you may be "
            "recalled to prison.",
            s["body"],
        ),
        _p(f"Reasons: {case.rationale}", s["body"]),
        Spacer(1, 14),
        _p(
            f"Signed: {signer.display_name if signer else '________________'} "
            "(senior probation practitioner)",
            s["body"],
        ),
        _p(f"Reference: {case.reference}", s["small"]),
    ]
    return _build("Decision not to recall", flow, f"Decision letter {case.reference}")


def part_a_pdf(*, user: Any, case_id: Any) -> tuple[bytes, str]:
    """(PDF bytes, file name) of the Part A. Audited as a disclosure to the casework section."""
    with transaction.atomic():
        view = case_view(user=user, case_id=case_id, audit=False)
        if view.case.recommendation not in RECALLS:
            raise DomainError("A Part A is written for a recall recommendation")
        pdf = part_a_document(view)
        audit_record(
            actor=user,
            action=AuditAction.DISCLOSURE,
            object_type="breach_case",
            object_id=str(view.case.pk),
            summary="produced a Part A recall report",
            justification="recall report for the casework section",
            recipients=[PART_A_RECIPIENT],
            details={
                "person": str(view.person.pk),
                "protected_fields_shown": not view.addresses_withheld,
            },
        )
    return pdf, f"part-a-{view.case.reference.lower()}.pdf"


def letter_pdf(*, user: Any, case_id: Any) -> tuple[bytes, str]:
    """(PDF bytes, file name) of the decision-not-to-recall letter. Audited as a disclosure."""
    with transaction.atomic():
        view = case_view(user=user, case_id=case_id, audit=False)
        if view.case.stage != Stage.CLOSED:
            raise DomainError("The letter is written once a decision not to recall is approved")
        pdf = letter_document(view)
        audit_record(
            actor=user,
            action=AuditAction.DISCLOSURE,
            object_type="breach_case",
            object_id=str(view.case.pk),
            summary="produced a decision-not-to-recall letter",
            justification="decision letter for the person on licence",
            recipients=[LETTER_RECIPIENT],
            details={
                "person": str(view.person.pk),
                "protected_fields_shown": not view.addresses_withheld,
            },
        )
    return pdf, f"decision-letter-{view.case.reference.lower()}.pdf"

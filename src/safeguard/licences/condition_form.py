"""The form for one condition's inputs: fields to render and posted data to read back.

Every catalogue input becomes a GOV.UK field whose id is its name, prefixed by the radio option
it sits under (``numberOfCurfews-1-curfewStart``): inputs under different options may share a
name, and without JavaScript every option's inputs are on the page at once. Only the inputs
under the chosen option are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from safeguard.licences import forms
from safeguard.licences.engine import Condition, InputSpec

REPEAT_SLOTS = 3  # "add another" without JavaScript: three boxes, blanks ignored
UPLOAD_LIMIT = 2 * 1024 * 1024
ADDRESS_PARTS = ("line1", "line2", "town", "county", "postcode")
ERROR_FIELD = re.compile(r"^(?P<name>[^\[.]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<part>\w+))?$")


@dataclass
class OptionView:
    value: str
    id: str
    checked: bool
    children: list[FieldView] = field(default_factory=list)


@dataclass
class FieldView:
    spec: InputSpec
    id: str
    value: Any = ""
    error: str = ""
    part_errors: dict[str, str] = field(default_factory=dict)
    options: list[OptionView] = field(default_factory=list)
    slots: list[dict[str, str]] = field(default_factory=list)  # repeatable: {id, value, error}

    @property
    def template(self) -> str:
        return f"licences/fields/{self.spec.type}.html"

    def anchor(self, index: int | None = None, part: str | None = None) -> str:
        """The element the error summary links to for this field (GOV.UK: its first box)."""
        if self.spec.repeatable:
            return f"{self.id}-{index or 0}"
        kind = self.spec.type
        if kind == "date":
            return f"{self.id}-day"
        if kind == "address":
            return f"{self.id}-{part if part in ADDRESS_PARTS else 'line1'}"
        if kind == "zone":
            return f"{self.id}-geojson"
        return self.id


@dataclass
class ConditionForm:
    fields: list[FieldView]
    by_name: dict[str, FieldView]  # the inputs shown for the chosen options

    def anchors(self, errors: Mapping[str, str]) -> dict[str, str]:
        linked: dict[str, str] = {}
        for key in errors:
            match = ERROR_FIELD.match(key)
            view = self.by_name.get(match.group("name")) if match else None
            if view is not None and match is not None:
                index = int(match.group("index")) if match.group("index") else None
                linked[key] = view.anchor(index, match.group("part"))
        return linked

    def attach(self, errors: Mapping[str, str]) -> None:
        """Show each message next to its field."""
        for key, message in errors.items():
            match = ERROR_FIELD.match(key)
            view = self.by_name.get(match.group("name")) if match else None
            if view is None or match is None:
                continue
            if view.spec.repeatable and match.group("index") is not None:
                slot = int(match.group("index"))
                if slot < len(view.slots):
                    view.slots[slot]["error"] = view.slots[slot]["error"] or message
            elif match.group("part") and view.spec.type == "address":
                view.part_errors.setdefault(match.group("part"), message)
            view.error = view.error or message


def _stored(value: Any, spec: InputSpec) -> Any:
    """A stored value as the form shows it."""
    if spec.type == "date" and isinstance(value, str) and len(value) == 10:
        year, month, day = value.split("-")
        return {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}
    if spec.type == "zone" and isinstance(value, dict):
        return {"method": "draw", "geojson": json.dumps(value)}
    if spec.type == "person" and isinstance(value, dict):
        return value.get("person_id", "")
    return value


def _posted(data: QueryDict, view_id: str, spec: InputSpec) -> Any:
    kind = spec.type
    if kind == "date":
        return forms.date_redisplay(data, view_id)
    if kind == "address":
        return {part: forms.text(data, f"{view_id}-{part}") for part in ADDRESS_PARTS}
    if kind == "checkbox":
        return data.getlist(view_id)
    if kind == "zone":
        return {
            "method": forms.text(data, f"{view_id}-method") or "draw",
            "geojson": str(data.get(f"{view_id}-geojson", "")),
            "circle_address": forms.text(data, f"{view_id}-circle-address"),
            "circle_radius": forms.text(data, f"{view_id}-circle-radius"),
        }
    return forms.text(data, view_id)


def build_form(
    condition: Condition,
    *,
    data: QueryDict | None = None,
    stored: Mapping[str, Any] | None = None,
) -> ConditionForm:
    """Fields filled from posted ``data`` (redisplay) or from ``stored`` values (a change)."""
    by_name: dict[str, FieldView] = {}

    def value_of(view_id: str, spec: InputSpec) -> Any:
        if data is not None:
            return _posted(data, view_id, spec)
        return _stored((stored or {}).get(spec.name, ""), spec)

    def walk(specs: tuple[InputSpec, ...], prefix: str, shown: bool) -> list[FieldView]:
        views = []
        for spec in specs:
            view = FieldView(spec=spec, id=f"{prefix}{spec.name}")
            if shown:
                by_name.setdefault(spec.name, view)
            if spec.repeatable:
                given = (
                    [forms.text(data, f"{view.id}-{i}") for i in range(REPEAT_SLOTS)]
                    if data is not None
                    else [_stored(v, spec) for v in (stored or {}).get(spec.name, []) or []]
                )
                given += [""] * (REPEAT_SLOTS - len(given))
                view.slots = [
                    {"id": f"{view.id}-{i}", "value": v, "error": ""} for i, v in enumerate(given)
                ]
            else:
                view.value = value_of(view.id, spec)
            for index, option in enumerate(spec.options):
                option_id = view.id if index == 0 else f"{view.id}-{index}"
                chosen = view.value == option.value or (
                    isinstance(view.value, list) and option.value in view.value
                )
                children = walk(option.inputs, f"{view.id}-{index}-", shown and chosen)
                view.options.append(OptionView(option.value, option_id, chosen, children))
            views.append(view)
        return views

    return ConditionForm(fields=walk(condition.inputs, "", True), by_name=by_name)


def _zone_value(
    view: FieldView, files: MultiValueDict[str, UploadedFile] | None
) -> tuple[Any, str]:
    posted = view.value
    method = posted.get("method")
    if method == "circle":
        if not posted.get("circle_address") and not posted.get("circle_radius"):
            return None, ""
        return {
            "circle": {
                "address_id": posted.get("circle_address"),
                "radius_m": posted.get("circle_radius"),
            }
        }, ""
    if method == "upload":
        upload = files.get(f"{view.id}-file") if files is not None else None
        if upload is None:
            return None, ""
        if upload.size is not None and upload.size > UPLOAD_LIMIT:
            return None, "The file must be smaller than 2 MB"
        try:
            content = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            return None, "The file must be GeoJSON containing one or more polygons"
        posted["geojson"] = content  # shown again in the box if something else needs fixing
        posted["method"] = "draw"
        return content, ""
    text = str(posted.get("geojson", "")).strip()
    return (text or None), ""


def read_values(
    form: ConditionForm, files: MultiValueDict[str, UploadedFile] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values for the service, {input name: message} for problems found while reading)."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, view in form.by_name.items():
        spec = view.spec
        if spec.repeatable:
            # Empty boxes are unused "add another" slots: close the gaps, so the n-th value
            # (and any message about it) sits in the n-th box when the form is shown again.
            items = [slot["value"] for slot in view.slots if slot["value"]]
            for index, slot in enumerate(view.slots):
                slot["value"] = items[index] if index < len(items) else ""
            if spec.type == "person":
                values[name] = [{"person_id": v} for v in items]
            else:
                values[name] = items
            continue
        value = view.value
        if spec.type == "date":
            value = forms.date_iso(_as_query(value, view.id), view.id)
        elif spec.type == "time":
            value = forms.time_value(value)
        elif spec.type == "address":
            value = {k: v for k, v in value.items() if v} or None
        elif spec.type == "person":
            value = {"person_id": value} if value else None
        elif spec.type == "zone":
            value, problem = _zone_value(view, files)
            if problem:
                problems[name] = problem
        values[name] = value
    return values, problems


def _as_query(parts: Mapping[str, str], view_id: str) -> QueryDict:
    query = QueryDict(mutable=True)
    for part, value in parts.items():
        query[f"{view_id}-{part}"] = value
    return query

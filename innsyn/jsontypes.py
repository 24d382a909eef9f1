"""OpenAPI 3.0 schema objects for the JSON values the API returns.

The public shapes (``innsyn.public.shapes``) and the admin views (``innsyn.jobs.manage``)
describe each field with these, and ``web/openapi.py`` assembles them into the served
document, so a field's type is written once, next to the code that produces its value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Schema = dict[str, Any]


def _maybe_null(schema: Schema, nullable: bool) -> Schema:
    return {**schema, "nullable": True} if nullable else schema


def string(
    nullable: bool = False, fmt: str | None = None, enum: Iterable[str] | None = None
) -> Schema:
    """A string (``fmt``: an OpenAPI format such as ``date``; ``enum``: its only values)."""
    schema: Schema = {"type": "string"}
    if fmt:
        schema["format"] = fmt
    if enum is not None:
        values: list[str | None] = [str(v) for v in enum]
        schema["enum"] = [*values, None] if nullable else values
    return _maybe_null(schema, nullable)


def date(nullable: bool = True) -> Schema:
    """A calendar date, ``YYYY-MM-DD``."""
    return string(nullable, "date")


def datetime(nullable: bool = True) -> Schema:
    """A moment with its UTC offset (RFC 3339)."""
    return string(nullable, "date-time")


def integer(nullable: bool = False, minimum: int | None = None) -> Schema:
    schema: Schema = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    return _maybe_null(schema, nullable)


def number(nullable: bool = False) -> Schema:
    return _maybe_null({"type": "number"}, nullable)


def boolean() -> Schema:
    return {"type": "boolean"}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def closed(
    properties: dict[str, Schema], nullable: bool = False, optional: tuple[str, ...] = ()
) -> Schema:
    """An object with exactly these properties, all present unless ``optional``."""
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if not schema["required"]:
        del schema["required"]
    return _maybe_null(schema, nullable)


def fields(properties: dict[str, Schema]) -> Schema:
    """An object of input: these properties, each optional; others are ignored."""
    return {"type": "object", "properties": properties}


def mapping(values: Schema) -> Schema:
    """An object whose keys are data (names chosen by the source) and whose values are
    ``values``."""
    return {"type": "object", "additionalProperties": values}


def extend(schema: Schema, **properties: Schema) -> Schema:
    """A closed object schema with more required properties, in order after its own."""
    return {
        **schema,
        "properties": {**schema["properties"], **properties},
        "required": [*schema.get("required", []), *properties],
    }


def component(name: str) -> Schema:
    """A reference to the schema ``name`` of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}

"""Validation of our output against the official HSDS 3.1 schemas (in `schemas/`, a copy
of Open Referral's files, CC BY-SA 4.0: see schemas/NOTICE.md).

The per-object schemas refer to each other by file name (`"$ref": "phone.json"`); a
`referencing` registry holds them all under those names. Formats (uuid, uri, email,
date-time) are checked, not just annotated.
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "schemas"
PAGE_FIELDS = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]


def _load(name):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def _registry():
    return Registry().with_resources(
        (path.name, DRAFT202012.create_resource(_load(path.name)))
        for path in SCHEMAS.glob("*.json")
    )


def _validator(schema):
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(schema, instance):
    """Every way `instance` breaks `schema`, as readable lines (empty if it conforms)."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
        for error in _validator(schema).iter_errors(instance)
    ]


def assert_conforms(name, instance):
    """`instance` is valid against the schema file `name` (e.g. "service.json")."""
    problems = errors({"$ref": name}, instance)
    assert not problems, "\n".join(problems)


def assert_page_conforms(item_schema, body):
    """`body` is HSDS's page envelope (openapi.json's `Page`, every field present) whose
    `contents` are each valid against `item_schema`."""
    page = _load("openapi.json")["components"]["schemas"]["Page"]
    schema = {
        "allOf": [page],
        "required": PAGE_FIELDS,
        "properties": {"contents": {"type": "array", "items": {"$ref": item_schema}}},
    }
    problems = errors(schema, body)
    assert not problems, "\n".join(problems)


def about_schema():
    """The schema of `GET /` in HSDS's OpenAPI document."""
    operation = _load("openapi.json")["paths"]["/"]["get"]
    return operation["responses"]["200"]["content"]["application/json"]["schema"]

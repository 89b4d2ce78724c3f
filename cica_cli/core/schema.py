"""The rules of ``events.toml``: what each table may hold, checked by pydantic-core.

Strict (TOML gives typed values, so nothing is coerced: a number is not a date), unknown fields
forbidden (a typo is an error), defaults filled in, every problem of a table reported at once.
A table that passes becomes a ``model`` record. Tables come as the parser gives them: an array
is a ``list`` and becomes a tuple (anything else where an array belongs is refused).

The rules are written as pydantic-core schemas, the layer a pydantic ``BaseModel`` compiles to,
rather than as ``BaseModel`` classes: importing pydantic's model machinery and building the
classes took 0.1 s, as long as the whole rest of a first run on a small calendar, while these
validators import in a third of that and build in under a millisecond. The errors are pydantic's
own (same types, places and messages); ``tests/test_schema.py`` checks them against the
equivalent ``BaseModel`` declarations on generated tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from pydantic_core import CoreConfig, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from .model import KINDS, STATUSES, CalendarSettings, Event

__all__ = ["ValidationError", "validate_event", "validate_settings"]

_CONFIG = CoreConfig(strict=True, extra_fields_behavior="forbid")


def validate_settings(table: dict[str, Any]) -> CalendarSettings:
    """The ``[calendar]`` table as a record; ``ValidationError`` lists every problem."""
    return CalendarSettings(**_settings_validator().validate_python(table))


def validate_event(table: dict[str, Any]) -> Event:
    """One ``[events.<id>]`` table as a record; ``ValidationError`` lists every problem."""
    values = _event_validator().validate_python(table)
    values["except_"] = values.pop("except")  # `except` is a Python keyword
    return Event(**values)


_REQUIRED: Any = object()


def _field(
    schema: cs.CoreSchema,
    default: Any = _REQUIRED,
    *,
    before: Callable[[Any], Any] | None = None,
) -> cs.TypedDictField:
    if before is not None:
        schema = cs.no_info_before_validator_function(before, schema)
    if default is _REQUIRED:
        return cs.typed_dict_field(schema, required=True)
    return cs.typed_dict_field(cs.with_default_schema(schema, default=default), required=False)


def _text(min_length: int | None = None) -> cs.CoreSchema:
    return cs.str_schema(min_length=min_length, strict=True)


def _array(item: cs.CoreSchema) -> cs.CoreSchema:
    """A TOML array (a list, or a tuple) of ``item``, as a tuple."""
    return cs.tuple_schema([item], variadic_item_index=0, strict=False)


def _texts() -> cs.CoreSchema:
    return _array(_text())


def _optional(schema: cs.CoreSchema) -> cs.CoreSchema:
    return cs.nullable_schema(schema)


def _date_field() -> cs.CoreSchema:
    """A TOML date-time, a TOML date, or text (an expression such as ``soc + 2 weeks``)."""
    return cs.nullable_schema(
        cs.union_schema([cs.datetime_schema(strict=True), cs.date_schema(strict=True), _text()])
    )


def _whole_days(field: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, dt.datetime):
                    raise ValueError(f"{field} are whole days: write {item.date()}, not {item}")
        return value

    return check


def _days_skipped(value: object) -> object:
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, dt.datetime):
                raise ValueError(
                    f"`except` lists days (each skips that day's occurrence): "
                    f"write {item.date()}, not {item}"
                )
    return value


def _one_way_to_date(event: dict[str, Any]) -> dict[str, Any]:
    date, start, end, duration = event["date"], event["start"], event["end"], event["duration"]
    if date is not None and start is not None:
        raise ValueError("give either `date` (one day or instant) or `start` (a span), not both")
    if date is None and start is None:
        raise ValueError("needs `date` (one day or instant) or `start` (a span)")
    if date is not None and (end is not None or duration is not None):
        raise ValueError("`end` and `duration` belong to spans: use `start` instead of `date`")
    if start is not None and end is not None and duration is not None:
        raise ValueError("give either `end` or `duration`, not both")
    if start is not None and end is None and duration is None:
        raise ValueError("a span needs `end` or `duration`")
    return event


@cache
def _settings_validator() -> SchemaValidator:
    d = CalendarSettings._field_defaults
    fields = {
        "name": _field(_text(min_length=1), d["name"]),
        "description": _field(_optional(_text()), None),
        "timezone": _field(_text(), d["timezone"]),
        "remind": _field(_texts(), d["remind"]),
        "holidays": _field(
            _array(cs.date_schema(strict=True)),
            d["holidays"],
            before=_whole_days("holidays"),
        ),
        "country": _field(_optional(_text()), None),
        "workdays": _field(
            _array(cs.date_schema(strict=True)),
            d["workdays"],
            before=_whole_days("workdays"),
        ),
    }
    return SchemaValidator(
        cs.typed_dict_schema(fields, cls_name="CalendarSettings", extra_behavior="forbid"), _CONFIG
    )


@cache
def _event_validator() -> SchemaValidator:
    d = Event._field_defaults
    fields = {
        "title": _field(_text(min_length=1)),
        "kind": _field(cs.literal_schema(list(KINDS)), d["kind"]),
        "date": _field(_date_field(), None),
        "start": _field(_date_field(), None),
        "end": _field(_date_field(), None),
        "duration": _field(_optional(_text()), None),
        "timezone": _field(_optional(_text()), None),
        "location": _field(_optional(_text()), None),
        "description": _field(_optional(_text()), None),
        "source": _field(_optional(_text()), None),
        "tags": _field(_texts(), d["tags"]),
        "status": _field(cs.literal_schema(list(STATUSES)), d["status"]),
        "remind": _field(_optional(_texts()), None),
        "repeat": _field(_optional(_text()), None),
        "except": _field(_array(cs.date_schema(strict=True)), d["except_"], before=_days_skipped),
        "country": _field(_optional(_text()), None),
    }
    names = tuple(n.rstrip("_") for n in Event._fields)
    assert tuple(fields) == names, "the rules name every field of the record, in order"
    table = cs.typed_dict_schema(fields, cls_name="Event", extra_behavior="forbid")
    return SchemaValidator(cs.no_info_after_validator_function(_one_way_to_date, table), _CONFIG)

"""``schema``'s pydantic-core rules behave exactly as the same rules declared as pydantic models.

The reference models below are how the calendar's tables read as ``BaseModel`` classes (frozen,
strict, ``extra="forbid"``). Generated tables, valid and not, must give the same record or the
same errors (type, place and message) through both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cica_cli.core.model import KINDS, STATUSES, CalendarSettings, Event
from cica_cli.core.schema import validate_event, validate_settings


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class RefSettings(_Frozen):
    name: str = Field(default="cica", min_length=1)
    description: str | None = None
    timezone: str = "UTC"
    remind: tuple[str, ...] = ("7 days", "1 day")
    holidays: tuple[dt.date, ...] = ()
    country: str | None = None
    workdays: tuple[dt.date, ...] = ()

    @field_validator("holidays", "workdays", mode="before")
    @classmethod
    def _no_datetimes(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, dt.datetime):
                    name = info.field_name
                    raise ValueError(f"{name} are whole days: write {item.date()}, not {item}")
        return value


class RefEvent(_Frozen):
    title: str = Field(min_length=1)
    kind: Literal["meeting", "conference", "procedure", "deadline", "milestone", "period"] = (
        "meeting"
    )
    date: dt.datetime | dt.date | str | None = None
    start: dt.datetime | dt.date | str | None = None
    end: dt.datetime | dt.date | str | None = None
    duration: str | None = None
    timezone: str | None = None
    location: str | None = None
    description: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    status: Literal["planned", "done", "cancelled"] = "planned"
    remind: tuple[str, ...] | None = None
    repeat: str | None = None
    except_: tuple[dt.date, ...] = Field(default=(), alias="except")

    @field_validator("except_", mode="before")
    @classmethod
    def _days_skipped(cls, value: object) -> object:
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, dt.datetime):
                    raise ValueError(
                        f"`except` lists days (each skips that day's occurrence): "
                        f"write {item.date()}, not {item}"
                    )
        return value

    country: str | None = None

    @model_validator(mode="after")
    def _one_way_to_date(self) -> RefEvent:
        if self.date is not None and self.start is not None:
            raise ValueError(
                "give either `date` (one day or instant) or `start` (a span), not both"
            )
        if self.date is None and self.start is None:
            raise ValueError("needs `date` (one day or instant) or `start` (a span)")
        if self.date is not None and (self.end is not None or self.duration is not None):
            raise ValueError("`end` and `duration` belong to spans: use `start` instead of `date`")
        if self.start is not None and self.end is not None and self.duration is not None:
            raise ValueError("give either `end` or `duration`, not both")
        if self.start is not None and self.end is None and self.duration is None:
            raise ValueError("a span needs `end` or `duration`")
        return self


# What TOML can hand over (arrays as tuples here, for the strict reference; lists for ours).
_SCALARS = (
    st.text(max_size=4)
    | st.sampled_from([*KINDS, *STATUSES, "", "soc + 2 weeks", "7 days"])
    | st.integers(-2, 2)
    | st.floats(allow_nan=False, width=16)
    | st.booleans()
    | st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    | st.datetimes(dt.datetime(2023, 1, 1), dt.datetime(2025, 12, 31))
    | st.datetimes(dt.datetime(2023, 1, 1), dt.datetime(2025, 12, 31), timezones=st.just(dt.UTC))
)
_VALUES = _SCALARS | st.tuples(_SCALARS) | st.tuples(_SCALARS, _SCALARS) | st.just(())
_VALUES = _VALUES | st.dictionaries(st.just("x"), _SCALARS, max_size=1)


def _tables(fields: tuple[str, ...], likely: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.sampled_from([*(f.rstrip("_") for f in fields), "titel", "extra"])
    plausible = st.fixed_dictionaries({}, optional={k: st.just(v) for k, v in likely.items()})
    random = st.dictionaries(names, _VALUES, max_size=5)
    return st.builds(lambda a, b: {**a, **b}, plausible, random)


def _as_toml(value: Any) -> Any:
    """Arrays as the TOML parser gives them: lists."""
    if isinstance(value, tuple):
        return [_as_toml(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_toml(v) for k, v in value.items()}
    return value


def _outcome(validate: Any, table: dict[str, Any]) -> Any:
    try:
        return ("ok", validate(table))
    except ValidationError as err:
        return ("errors", [(e["type"], e["loc"], e["msg"]) for e in err.errors()])


_LIKELY_EVENT = {
    "title": "SOC",
    "date": dt.date(2024, 6, 27),
    "start": "soc",
    "duration": "2w",
    "except": (dt.date(2024, 7, 9),),
}


@settings(max_examples=400)
@given(_tables(Event._fields, _LIKELY_EVENT))
def test_events_as_the_model_would_check_them(table: dict[str, Any]) -> None:
    ours = _outcome(lambda t: validate_event(_as_toml(t))._asdict(), table)
    reference = _outcome(lambda t: dict(RefEvent.model_validate(t)), table)
    assert ours == reference


_LIKELY_SETTINGS = {"name": "CICA", "timezone": "Asia/Almaty", "holidays": (dt.date(2024, 1, 1),)}


@settings(max_examples=300)
@given(_tables(CalendarSettings._fields, _LIKELY_SETTINGS))
def test_settings_as_the_model_would_check_them(table: dict[str, Any]) -> None:
    ours = _outcome(lambda t: validate_settings(_as_toml(t))._asdict(), table)
    reference = _outcome(lambda t: dict(RefSettings.model_validate(t)), table)
    assert ours == reference


def test_records_have_the_models_fields_and_defaults() -> None:
    assert Event._fields == tuple(RefEvent.model_fields)
    assert CalendarSettings._fields == tuple(RefSettings.model_fields)
    assert CalendarSettings()._asdict() == dict(RefSettings())
    defaults = {k: f.default for k, f in RefEvent.model_fields.items() if k != "title"}
    assert Event._field_defaults == defaults

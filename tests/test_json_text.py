"""``json_text.dumps_indented`` is ``json.dumps(value, ensure_ascii=False, indent=2)``, exactly."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cica_cli.core.agenda import build_agenda
from cica_cli.core.loader import load
from cica_cli.views.json_text import dumps_indented
from cica_cli.views.text import JSON_SCHEMA_VERSION, agenda_json, item_dict

from .conftest import SHIPPED

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=True),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.tuples(inner, inner)
    ),
    max_leaves=20,
)


@given(JSON)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_odd_keys_and_subclasses_fall_back_to_json() -> None:
    class Text(str):
        pass

    for value in ({1: "a"}, {"a": Text("b")}, [Text("c")], {True: None}):
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


@given(JSON, st.integers(min_value=1, max_value=3))
def test_a_nested_value_is_indented_for_its_level(value: Any, level: int) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)
    assert dumps_indented(value, level) == expected


@pytest.mark.parametrize("as_of", ["2024-06-01", "2024-07-01", "2030-01-01"])
def test_the_agenda_document_in_pieces_is_json_dumps_of_the_whole(as_of: str) -> None:
    schedule = load(SHIPPED).schedule
    now = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time.min, schedule.zone)
    items = build_agenda(schedule, now)
    doc = {
        "schema": JSON_SCHEMA_VERSION,
        "as_of": now.isoformat(),
        "calendar": 'CICA "2024" é',
        "items": [item_dict(i) for i in items],
    }
    pieces = list(agenda_json(items, now, 'CICA "2024" é'))
    assert "".join(pieces) == json.dumps(doc, ensure_ascii=False, indent=2)
    assert len(pieces) == (len(items) + 2 if items else 1)  # written an item at a time

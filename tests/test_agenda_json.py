"""``upcoming --json`` is written a chunk of items at a time; the pieces are ``json.dumps`` of the
whole, and writing them leaves no garbage for the collector."""

from __future__ import annotations

import datetime as dt
import gc
import json

import pytest

from cica_cli.core.agenda import build_agenda
from cica_cli.core.loader import load
from cica_cli.views import text
from cica_cli.views.text import JSON_SCHEMA_VERSION, agenda_json, item_dict

from .conftest import SHIPPED


@pytest.mark.parametrize("chunk", [1, 2, 3, 256])
@pytest.mark.parametrize("as_of", ["2024-06-01", "2024-07-01", "2030-01-01"])
def test_the_agenda_document_in_pieces_is_json_dumps_of_the_whole(
    as_of: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text, "JSON_CHUNK", chunk)
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
    assert len(pieces) == (-(-len(items) // chunk) + 2 if items else 1)  # a chunk at a time


def test_writing_many_items_leaves_no_cycles_for_the_collector() -> None:
    schedule = load(SHIPPED).schedule
    now = dt.datetime.combine(dt.date(2024, 6, 1), dt.time.min, schedule.zone)
    items = build_agenda(schedule, now) * 300  # about 2 400 items: ten chunks
    gc.collect()
    gc.disable()
    try:
        json.loads("".join(agenda_json(items, now, "CICA")))
        left = gc.collect()
    finally:
        gc.enable()
    # A call of the encoder leaves about 30 objects in cycles: per chunk, not per item.
    assert left < len(items)

""" "Did you mean": one home (core/suggest.py), good hints, and linear time (issue 11, issue 12).

Time is not measured here (see benchmarks/); the work is: how often difflib runs and on how many
names. Before, each reference compared itself with every id: 1 000 references to a renamed id
in a 6 000-event calendar made 6 000 000 comparisons (40 s)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cica_cli.core.loader import loads
from cica_cli.core.suggest import SHORTLIST, Suggester, did_you_mean
from cica_cli.errors import CalendarDataError

from .conftest import Result


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of names each difflib lookup compares with (one entry per lookup)."""
    sizes: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: Any, *args: Any, **kwargs: Any) -> list[str]:
        possibilities = list(possibilities)
        sizes.append(len(possibilities))
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    yield sizes


def _calendar(events: int, references: Callable[[int], str | None]) -> bytes:
    parts = ['[calendar]\ntimezone = "UTC"\n']
    for i in range(events):
        ref = references(i)
        date = f'"{ref} + 1 day"' if ref else "2024-06-27"
        parts.append(f'[events.meeting-{i:05d}-astana]\ntitle = "M {i}"\ndate = {date}\n')
    return "".join(parts).encode()


def _problems(data: bytes) -> list[str]:
    with pytest.raises(CalendarDataError) as err:
        loads(data, "big.toml")
    return [str(p) for p in err.value.problems]


def test_a_renamed_id_used_1000_times_is_looked_up_once(compared: list[int]) -> None:
    data = _calendar(6000, lambda i: "meeting-00042-astna" if i >= 5000 else None)
    problems = _problems(data)
    assert len(problems) == 1000
    assert all(
        p.endswith("unknown event 'meeting-00042-astna' (did you mean 'meeting-00042-astana'?)")
        for p in problems
    )
    assert len(compared) == 1  # once, not 1 000 times
    assert compared[0] <= SHORTLIST  # and among a short list, not all 6 000 ids


def test_1000_distinct_mistakes_cost_linear_work(compared: list[int]) -> None:
    data = _calendar(6000, lambda i: f"meeting-{i + 1000:05d}-astama" if i < 1000 else None)
    problems = _problems(data)
    assert len(problems) == 1000
    assert all("(did you mean 'meeting-" in p for p in problems)
    assert problems[0].endswith("(did you mean 'meeting-01000-astana'?)")
    assert len(compared) == 1000 and max(compared) <= SHORTLIST


def test_small_lists_are_compared_whole(compared: list[int]) -> None:
    assert did_you_mean("titel", ("title", "kind", "date")) == " (did you mean 'title'?)"
    assert did_you_mean("zzz", ("title", "kind", "date")) == ""
    assert compared == [3, 3]


def test_the_closest_name_is_found_among_many() -> None:
    ids = [f"{city}-{year}-{n}" for city in ("astana", "baku", "tashkent") for year in
           range(2000, 2030) for n in range(30)]  # fmt: skip
    assert len(ids) > 2000
    ids.append("soc-astana-2024-06")
    s = Suggester(ids)
    assert s.closest("soc-astana-2024") == "soc-astana-2024-06"
    assert s.closest("baku-2025-7x") == "baku-2025-7"
    assert s.closest("completely-different-name-here") is None


_A = "[events.a]\ntitle = 'A'\ndate = 2024-06-27\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_A.replace("title", "titel"), "events.a.titel: unknown field (did you mean 'title'?)"),
        ("[event.a]\ntitle = 'A'\n", "event: unknown table (did you mean 'events'?)"),
        (
            _A + "[events.b]\ntitle = 'B'\ndate = 'aa + 1 day'\n",
            "events.b.date: unknown event 'aa' (did you mean 'a'?)",
        ),
    ],
)
def test_every_kind_of_hint(body: str, expected: str) -> None:
    problems = _problems(f'[calendar]\ntimezone = "UTC"\n{body}'.encode())
    assert any(p.endswith(expected) for p in problems), problems


def test_show_uses_the_same_hint(cica: Callable[..., Result]) -> None:
    result = cica("show", "soc-astana-2024")
    assert result.code == 2
    assert "no event 'soc-astana-2024'; did you mean 'soc-astana-2024-06'?" in result.err

"""Synthetic calendars for the benchmark: 1 000, 10 000 and 100 000 events (or any size).

    python benchmarks/generate.py                 # benchmarks/data/events-{1000,10000,100000}.toml
    python benchmarks/generate.py --sizes 5000    # just one size

The calendars have the shipped calendar's features in the proportions of a busy secretariat's
year, built from *clusters* of eight events around one meeting, like the shipped CICA calendar:

======================  =====  ==========================================================
role                    share  what it exercises
======================  =====  ==========================================================
meeting                 1/8    a literal date; a third are timed (date-time) in their own
                               zone, every fifth starts "N weeks after" the previous
                               cluster's meeting (chains of references across clusters)
silence procedure       1/8    ``start = "<meeting>"`` + ``duration`` ("2 weeks",
                               "10 working days", "P14D")
briefing deadline       1/8    ``"<meeting> - 10 working days"`` (working days, holidays)
follow-up deadline      1/8    ``"<briefing> - 3 working days"``: a chain of references
documents deadline      1/8    ``"<meeting>.end"`` or ``"<procedure>.end + 1 week"``
conference              1/8    a span: a literal start or ``"<meeting>.end + N weeks"``, and a
                               ``duration`` ("3 days", "P3D"); half in another zone
period                  1/8    a literal ``start``/``end`` span of months
weekly call             1/8    timed, in a zone, with ``repeat`` (weekly, monthly, yearly)
======================  =====  ==========================================================

Half the events carry a long description (up to ~800 characters, some as multi-line strings),
most have tags and a source, some override ``remind`` or are done/cancelled. Events appear in the
file in an order other than their dependency order, as people write them. Anchor dates spread over
2024-2027 whatever the size, so ``--within 30d`` sees about 2 % of the events at every size.

The output is a pure function of ``--seed`` and the size (``random.Random``, no clock).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_SEED = 2024
FIRST_DAY = dt.date(2024, 1, 1)
SPAN_DAYS = 4 * 365
#: The day the benchmark looks from: the middle of the generated range.
AS_OF = "2026-01-01"

ZONES = (
    "Asia/Almaty", "Asia/Baku", "Asia/Tashkent", "Asia/Shanghai", "Europe/Istanbul",
    "Asia/Tehran", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Seoul", "UTC",
    "Asia/Ulaanbaatar", "Asia/Qatar", "Europe/Moscow", "Asia/Karachi",
)  # fmt: skip
PLACES = (
    "Astana, Kazakhstan", "Baku, Azerbaijan", "Tashkent, Uzbekistan", "Beijing, China",
    "Istanbul, Türkiye", "Tehran, Iran", "New Delhi, India", "Dhaka, Bangladesh",
    "Bangkok, Thailand", "Seoul, Republic of Korea", "Ulaanbaatar, Mongolia", "Doha, Qatar",
)  # fmt: skip
TAGS = (
    "soc", "ministerial", "environment", "transformation", "ict", "think-tank-forum",
    "economic", "human-dimension", "new-challenges", "military-political", "secretariat",
)  # fmt: skip
_PROSE = (
    "the committee considered draft decision on modalities implementation confidence building "
    "measures member states chairmanship proposals road map transformation cluster review annual "
    "human dimension environmental conference outcome document silence procedure adoption "
    "ministerial council preparations concept paper priority area security information "
    "communication technologies forum action plan secretariat coordination meeting agenda report"
)
WORDS = tuple(_PROSE.split(" "))
SOURCE = "https://s-cica.org/index.php?view=page&t=press_releases&id={}"


def _text(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def _event(event_id: str, fields: dict[str, str]) -> str:
    lines = [f"[events.{event_id}]"]
    lines.extend(f"{key} = {value}" for key, value in fields.items())
    return "\n".join(lines) + "\n"


def _common(rng: random.Random, fields: dict[str, str], *, place: bool = True) -> None:
    """Optional fields in realistic proportions, added in place."""
    if place and rng.random() < 0.7:
        fields["location"] = _string(rng.choice(PLACES))
    roll = rng.random()
    if roll < 0.1:
        # A multi-line description, as people paste them from minutes.
        body = "\n".join(_text(rng, 8, 20) for _ in range(rng.randint(2, 5)))
        fields["description"] = f'"""\n{body}\n"""'
    elif roll < 0.5:
        fields["description"] = _string(_text(rng, 20, 120))
    if rng.random() < 0.8:
        fields["source"] = _string(SOURCE.format(rng.randint(1000, 3000)))
    if rng.random() < 0.85:
        tags = sorted(set(rng.choices(TAGS, k=rng.randint(1, 3))))
        fields["tags"] = "[" + ", ".join(_string(t) for t in tags) + "]"
    if rng.random() < 0.1:
        fields["remind"] = '["14 days", "2 days"]'
    roll = rng.random()
    if roll < 0.05:
        fields["status"] = '"done"'
    elif roll < 0.07:
        fields["status"] = '"cancelled"'


def _cluster(rng: random.Random, k: int, previous: str | None) -> list[str]:
    """The eight events of cluster ``k``, in file order (not dependency order)."""
    p = f"c{k:06d}"
    anchor = FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS))
    zone = rng.choice(ZONES)
    events: list[str] = []

    meeting: dict[str, str] = {"title": _string(f"Senior Officials Committee meeting {k}")}
    meeting["kind"] = '"meeting"'
    if previous is not None and k % 5 == 0:
        meeting["date"] = _string(f"{previous} + {rng.randint(2, 10)} weeks")
    elif rng.random() < 0.33:
        meeting["date"] = f"{anchor.isoformat()}T{rng.choice(('09:00', '10:00', '14:30'))}:00"
        meeting["timezone"] = _string(zone)
    else:
        meeting["date"] = anchor.isoformat()
    _common(rng, meeting)
    events.append(_event(f"{p}-soc", meeting))

    silence = {
        "title": _string(f"Silence procedure on the outcome document of meeting {k}"),
        "kind": '"procedure"',
        "start": _string(f"{p}-soc"),
        "duration": _string(rng.choice(("2 weeks", "10 working days", "P14D", "5 days"))),
    }
    _common(rng, silence, place=False)

    briefing = {
        "title": _string(f"Briefing paper for meeting {k}"),
        "kind": '"deadline"',
        "date": _string(f"{p}-soc - {rng.choice((5, 10, 15))} working days"),
    }
    _common(rng, briefing, place=False)

    followup = {
        "title": _string(f"Comments on the briefing paper for meeting {k}"),
        "kind": '"deadline"',
        "date": _string(f"{p}-briefing - 3 working days"),
    }
    _common(rng, followup, place=False)

    documents = {
        "title": _string(f"Outcome documents of meeting {k} circulated"),
        "kind": '"deadline"',
        "date": _string(f"{p}-soc.end" if rng.random() < 0.5 else f"{p}-silence.end + 1 week"),
    }
    _common(rng, documents, place=False)

    conference = {
        "title": _string(f"Ministerial conference {k}"),
        "kind": '"conference"',
    }
    if rng.random() < 0.5:
        conference["start"] = (anchor + dt.timedelta(days=rng.randint(20, 120))).isoformat()
    else:
        conference["start"] = _string(f"{p}-soc.end + {rng.randint(3, 17)} weeks")
    conference["duration"] = _string(rng.choice(("3 days", "2 days", "1 week", "P3D")))
    if rng.random() < 0.5:
        conference["timezone"] = _string(rng.choice(ZONES))
    _common(rng, conference)

    period_start = anchor.replace(day=1)
    period = {
        "title": _string(f"Action plan {k}"),
        "kind": '"period"',
        "start": period_start.isoformat(),
        "end": (period_start + dt.timedelta(days=rng.choice((90, 181, 364)))).isoformat(),
    }
    _common(rng, period, place=False)

    call = {
        "title": _string(f"Coordination call {k}"),
        "kind": '"meeting"',
        "date": f"{anchor.isoformat()}T{rng.choice(('08:00', '11:00', '16:00'))}:00",
        "timezone": _string(rng.choice(ZONES)),
        "repeat": _string(
            rng.choice(
                (
                    "FREQ=WEEKLY;COUNT=10",
                    "FREQ=WEEKLY;INTERVAL=2;COUNT=12",
                    f"FREQ=MONTHLY;UNTIL={anchor.year + 1}1231T000000Z",
                    "FREQ=YEARLY;COUNT=3",
                )
            )
        ),
    }
    _common(rng, call, place=False)

    # Written roughly as people do: the meeting first, but some dependents before what they use.
    rest = [
        _event(f"{p}-followup", followup),
        _event(f"{p}-briefing", briefing),
        _event(f"{p}-silence", silence),
        _event(f"{p}-documents", documents),
        _event(f"{p}-conference", conference),
        _event(f"{p}-period", period),
        _event(f"{p}-call", call),
    ]
    rng.shuffle(rest)
    return events + rest


def generate(size: int, seed: int = DEFAULT_SEED) -> str:
    """A calendar of exactly ``size`` events (the last cluster may be cut short)."""
    rng = random.Random(f"{seed}-{size}")
    holidays = sorted(
        {FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS + 365)) for _ in range(40)}
    )
    head = [
        f"# Synthetic benchmark calendar: {size} events, seed {seed} (benchmarks/generate.py).",
        "",
        "[calendar]",
        f'name = "Synthetic {size}"',
        'description = "Generated for the cica benchmark"',
        'timezone = "Asia/Almaty"',
        'remind = ["30 days", "7 days", "1 day"]',
        "holidays = [" + ", ".join(d.isoformat() for d in holidays) + "]",
        "",
    ]
    chunks: list[str] = []
    count = 0
    k = 0
    previous: str | None = None
    while count < size:
        cluster = _cluster(rng, k, previous)
        # A cut-short last cluster keeps its meeting and whatever follows it in file order; drop
        # events that would refer to one left out by ending on whole clusters or on the meeting.
        take = cluster if count + len(cluster) <= size else _complete_prefix(cluster, size - count)
        chunks.extend(take)
        count += len(take)
        previous = f"c{k:06d}-soc"
        k += 1
    return "\n".join(head) + "\n" + "\n".join(chunks)


def _complete_prefix(cluster: list[str], n: int) -> list[str]:
    """``n`` events of a cluster that refer only to events in the calendar."""
    # The meeting, the period and the call refer to nothing inside the cluster (the meeting at
    # most to the previous cluster's), so a partial cluster is made of those, then filler periods.
    safe = [e for e in cluster if "-soc]" in e or "-period]" in e or "-call]" in e]
    out = safe[:n]
    i = 0
    while len(out) < n:
        out.append(out[-1].replace("]\n", f"-extra{i}]\n", 1))
        i += 1
    return out


def main(argv: list[str] | None = None) -> None:
    """Write the calendars to ``benchmarks/data/``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated event counts (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default: %(default)s")
    parser.add_argument("--out", type=Path, default=DATA, help="folder (default: %(default)s)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        path = args.out / f"events-{size}.toml"
        path.write_text(generate(size, args.seed), encoding="utf-8")
        print(f"{path}: {size} events, {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

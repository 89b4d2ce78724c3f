"""Which reminders are due. Pure: the moment and the ledger are arguments (the wording of a
reminder is ``remind.wording``).

A reminder is the tuple (event id, occurrence date, lead time, recipient), ``Key``. It is due on
the occurrence's *anchor* day minus the lead, counted in the event's zone. The anchor is the day
that matters: the end of a procedure, period or deadline ("ends in 7 days"), the start of
anything else ("starts in 7 days").

A run as of day D considers, for each occurrence and recipient, every lead already due whose
anchor has not been reached, and keeps only the one nearest the event: after missed runs the
7-day reminder is superseded by the 1-day one, or sent late and worded with the true distance
("in 5 days", not "in 7 days"). It is sent unless the ledger says it was sent or rejected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from ..core.dates import Point, apply_offset, date_of
from ..core.leads import Lead, parse_leads
from ..core.model import END_ANCHORED_KINDS
from ..core.schedule import Resolved, Schedule

if TYPE_CHECKING:  # the engine reads no settings: the run hands it addresses
    from .settings import Address

#: Kinds whose end is what people must act on (the export's alarms count from it too).
END_ANCHORED: frozenset[str] = END_ANCHORED_KINDS
Status = Literal["pending", "sent", "failed"]


class Key(NamedTuple):
    """What makes a reminder unique; what the state remembers."""

    event_id: str
    occurrence: str  # ISO date of the anchor day, in the event's zone
    lead: str  # canonical ISO 8601 duration: "P7D"
    recipient: str  # Address.key


class Entry(NamedTuple):
    """What the ledger knows about one key."""

    status: Status
    message_id: str | None = None


class Reminder(NamedTuple):
    """One due reminder for one recipient."""

    key: Key
    event: Resolved
    start: Point  # the occurrence
    end: Point
    anchor: Point  # start or end, whichever matters for this kind
    anchor_day: dt.date
    lead: Lead
    due_day: dt.date
    days_left: int  # anchor_day - today
    recipient: Address
    retry_of: str | None = None  # Message-ID of an earlier attempt whose outcome is unknown

    @property
    def late(self) -> bool:
        """True when the reminder should have gone out on an earlier day."""
        return self.days_left < _days_between(self.due_day, self.anchor_day)

    @property
    def sort_key(self) -> tuple[dt.date, int, float, str]:
        """Soonest first; whole days before timed points on the same day."""
        if isinstance(self.anchor, dt.datetime):
            return (self.anchor_day, 1, self.anchor.timestamp(), self.event.id)
        return (self.anchor_day, 0, 0.0, self.event.id)


class Digest(NamedTuple):
    """One email: the reminders for one recipient, soonest first."""

    recipient: Address
    reminders: tuple[Reminder, ...]
    message_id: str

    @property
    def keys(self) -> tuple[Key, ...]:
        """The keys this message delivers."""
        return tuple(r.key for r in self.reminders)


def _days_between(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def leads_for(
    event: Resolved, schedule: Schedule, override: Sequence[Lead] | None
) -> tuple[Lead, ...]:
    """The event's own ``remind``, else the run's ``--lead``/config, else ``[calendar] remind``.

    Leads that mean the same time ("7d", "1 week") count once.
    """
    if event.event.remind is not None:
        leads = parse_leads(event.event.remind)  # checked by the loader
    elif override is not None:
        leads = tuple(override)
    else:
        leads = parse_leads(schedule.settings.remind)
    seen: dict[str, Lead] = {}
    for lead in leads:
        seen.setdefault(lead.canonical, lead)
    return tuple(seen.values())


def anchor_of(event: Resolved, start: Point, end: Point) -> Point:
    """The point a reminder counts down to."""
    return end if event.event.kind in END_ANCHORED else start


def _due(anchor: Point, lead: Lead, zone: dt.tzinfo) -> tuple[dt.date, dt.datetime | None]:
    """The due day (event's zone) and, for leads with hours, the due instant."""
    back = lead.offset.negated()
    if lead.has_time:
        base = (
            anchor
            if isinstance(anchor, dt.datetime)
            else dt.datetime.combine(anchor, dt.time.min, zone)
        )
        moment = apply_offset(base, back, frozenset())
        assert isinstance(moment, dt.datetime)
        return moment.astimezone(zone).date(), moment
    day = apply_offset(date_of(anchor, zone), back, frozenset())
    assert not isinstance(day, dt.datetime)
    return day, None


def _horizon(today: dt.date, leads: Iterable[Lead]) -> dt.date:
    far = today
    for lead in leads:
        moved = apply_offset(today, lead.offset, frozenset()) if not lead.has_time else today
        assert not isinstance(moved, dt.datetime)
        far = max(far, moved)
    return far + dt.timedelta(days=2)  # an hour-lead or a zone difference can reach a day further


def _not_started(anchor: Point, anchor_day: dt.date, now: dt.datetime, today: dt.date) -> bool:
    if isinstance(anchor, dt.datetime):
        return now < anchor
    return today < anchor_day


def due_reminders(
    schedule: Schedule,
    now: dt.datetime,
    recipients: Sequence[Address],
    ledger: Mapping[Key, Entry],
    leads: Sequence[Lead] | None = None,
) -> list[Reminder]:
    """Every reminder to send as of ``now`` (aware; its date is the run's day), soonest first.

    Done and cancelled events get none; an occurrence whose anchor has passed gets none; per
    occurrence and recipient only the nearest due lead counts, and only if the ledger has no
    ``sent`` or ``failed`` entry for it (a ``pending`` one is retried with its Message-ID).
    """
    if now.tzinfo is None:
        raise ValueError("now must be aware")
    today = now.date()
    found: list[Reminder] = []
    # Events share their leads (the calendar's, or the same few lists of their own), so each
    # list is read, and its horizon found, once; so is the due day of a whole-day lead.
    lead_lists: dict[tuple[str, ...] | None, tuple[tuple[Lead, ...], dt.date]] = {}
    due_days: dict[tuple[dt.date, Lead], dt.date] = {}
    for event in schedule.events.values():
        if event.event.status != "planned":
            continue
        own = event.event.remind
        list_key = None if own is None else tuple(own)
        known = lead_lists.get(list_key)
        if known is None:
            event_leads = leads_for(event, schedule, leads)
            known = lead_lists[list_key] = (event_leads, _horizon(today, event_leads))
        event_leads, horizon = known
        if not event_leads or (not event.event.repeat and _over(event, now, today, horizon)):
            continue
        zone = event.zone
        for start, end in event.occurrences(today - dt.timedelta(days=1), horizon):
            anchor = anchor_of(event, start, end)
            anchor_day = date_of(anchor, zone)
            if not _not_started(anchor, anchor_day, now, today):
                continue
            best: tuple[dt.date, Lead] | None = None
            for lead in event_leads:
                if lead.has_time:
                    due_day, due_moment = _due(anchor, lead, zone)
                    is_due = due_moment is not None and now >= due_moment
                else:  # due on the anchor's day minus the lead, whatever the time
                    cached = due_days.get((anchor_day, lead))
                    if cached is None:
                        cached = due_days[anchor_day, lead] = _due(anchor, lead, zone)[0]
                    due_day, is_due = cached, cached <= today
                # Nearest the event = due last; ties (same day, e.g. "1 day" and "12 hours")
                # go to the shorter lead.
                if is_due and (best is None or (due_day, -_lead_size(lead)) > _rank(best)):
                    best = (due_day, lead)
            if best is None:
                continue
            due_day, lead = best
            for rcpt in recipients:
                key = Key(event.id, anchor_day.isoformat(), lead.canonical, rcpt.key)
                entry = ledger.get(key)
                if entry is not None and entry.status != "pending":
                    continue
                found.append(
                    Reminder(
                        key=key,
                        event=event,
                        start=start,
                        end=end,
                        anchor=anchor,
                        anchor_day=anchor_day,
                        lead=lead,
                        due_day=due_day,
                        days_left=(anchor_day - today).days,
                        recipient=rcpt,
                        retry_of=entry.message_id if entry is not None else None,
                    )
                )
    found.sort(key=lambda r: (r.sort_key, r.key))
    return found


def _over(event: Resolved, now: dt.datetime, today: dt.date, horizon: dt.date) -> bool:
    """True when the one occurrence of a non-repeating event surely gets no reminder: its anchor
    has been reached (``_not_started`` is false), or it starts after ``horizon`` (``occurrences``
    would not yield it; an instant's day in the event's zone is at most two days before its day
    as written). This saves working out the occurrence, in its zone, for the many events of a
    large calendar that are over or still far off."""
    anchor = anchor_of(event, event.start, event.end)
    if isinstance(anchor, dt.datetime):
        if now >= anchor:
            return True
    elif today >= anchor:
        return True
    start = event.start
    if isinstance(start, dt.datetime):
        return (start.date() - horizon).days > 2
    return start > horizon


def _lead_size(lead: Lead) -> float:
    d = lead.offset.delta
    return float(
        (d.years * 12 + d.months) * 31 * 86400
        + d.days * 86400
        + d.hours * 3600
        + d.minutes * 60
        + d.seconds
    )


def _rank(best: tuple[dt.date, Lead]) -> tuple[dt.date, float]:
    return best[0], -_lead_size(best[1])


def message_id(keys: Iterable[Key], domain: str) -> str:
    """A Message-ID derived from the keys alone, so a retry of the same mail reuses it."""
    lines = sorted(json.dumps([k.event_id, k.occurrence, k.lead, k.recipient]) for k in keys)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:40]
    return f"<cica-remind.{digest}@{domain or 'cica.invalid'}>"


def digests(reminders: Iterable[Reminder], sender_domain: str) -> list[Digest]:
    """One message per recipient, soonest first; plus, rarely, one per earlier attempt.

    A reminder whose earlier attempt ended without knowing whether the server accepted it
    (``pending``) is resent in a message of its own under the Message-ID it had, so that a
    duplicate is recognisable as one.
    """
    groups: dict[tuple[str, str | None], list[Reminder]] = {}
    for r in reminders:
        groups.setdefault((r.recipient.key, r.retry_of), []).append(r)
    out: list[Digest] = []
    for (_rcpt, retry_of), items in groups.items():
        items.sort(key=lambda r: (r.sort_key, r.key))
        mid = retry_of or message_id((r.key for r in items), sender_domain)
        out.append(Digest(items[0].recipient, tuple(items), mid))
    out.sort(key=lambda d: (d.recipient.key, d.reminders[0].sort_key))
    return out


def iter_events(reminders: Iterable[Reminder]) -> Iterator[Resolved]:
    """The distinct events mentioned, in order."""
    seen: set[str] = set()
    for r in reminders:
        if r.event.id not in seen:
            seen.add(r.event.id)
            yield r.event

"""A reminder digest as an email: plain text and HTML alternatives plus an .ics attachment.

Titles, locations and descriptions are data. They reach headers only through ``header_text``,
which drops every control, format (bidi, zero-width) and line/paragraph-separator character and
breaks ``=?``/``?=`` so that no text can be read back as an RFC 2047 encoded word: Python 3.11.7's
``email`` package is affected by CVE-2024-6923 (a newline inside an encoded word is emitted
unquoted), so cica does not rely on it.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime

from ..core.day_names import day_text
from .due import Digest, Reminder
from .settings import Address
from .wording import headline, late_note, one_line, short_title, span_text, subject

#: CRLF line ends, 7-bit transfer encodings (quoted-printable or base64 for anything else), so
#: the message passes any relay, with or without 8BITMIME.
POLICY = email_policy.SMTP.clone(cte_type="7bit", max_line_length=78)
#: For writing out: bodies are encoded already (at 76 columns); headers are not folded below
#: RFC 5322's hard limit, because the email package folds a subject of 70-odd characters onto a
#: continuation line of its own ("Subject:" CRLF " CICA: ..."), which some readers show with a
#: leading space.
_WIRE = POLICY.clone(max_line_length=998)
_WIRE_UTF8 = _WIRE.clone(utf8=True)
ICS_FILENAME = "cica-reminders.ics"


def header_text(text: str) -> str:
    """Text safe for an unstructured header: one line, no controls, no encoded words."""
    line = one_line(text)
    # "=?" starts an encoded word and "?=" ends one; a space in between makes them plain text.
    while "=?" in line or "?=" in line:
        line = line.replace("=?", "= ?").replace("?=", "? =")
    return line


def body_line(text: str) -> str:
    """A single-line field (title, location) for the body: controls and bidi marks removed."""
    return one_line(text)


def body_paragraphs(text: str) -> list[str]:
    """A multi-line field (description) as paragraphs of clean single lines."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for para in normal.split("\n\n"):
        line = body_line(para.replace("\n", " "))
        if line:
            out.append(line)
    return out


def _wrap(text: str, first: str, rest: str) -> list[str]:
    """Lines of at most 76 characters, indents included; a word is never broken (a URL stays
    whole, on a line of its own if it must)."""
    return textwrap.wrap(
        text, width=76, initial_indent=first, subsequent_indent=rest,
        break_long_words=False, break_on_hyphens=False,
    )  # fmt: skip


def plain_text(d: Digest, calendar_name: str, today: dt.date) -> str:
    """The text/plain part."""
    lines = [f"Reminders from {body_line(calendar_name)}, as of {day_text(today)}:", ""]
    for n, r in enumerate(d.reminders, start=1):
        lines.append(f"{n}. {headline(r)} ({day_text(r.anchor_day)})")
        for label, value in _details(r):
            lines.extend(_wrap(f"{label}: {value}", "   ", "     "))
        for para in body_paragraphs(r.event.event.description or ""):
            lines.append("")
            lines.extend(_wrap(para, "   ", "   "))
        lines.append("")
    lines.append("-- ")
    lines.append(_footer(d))
    return "\n".join(lines) + "\n"


def html_text(d: Digest, calendar_name: str, today: dt.date) -> str:
    """The text/html part (everything from the calendar escaped)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"></head><body>',
        f"<p>Reminders from {e(body_line(calendar_name))}, as of {e(day_text(today))}:</p>",
        "<ol>",
    ]
    for r in d.reminders:
        parts.append(f"<li><p><strong>{e(headline(r))}</strong> ({e(day_text(r.anchor_day))})")
        for label, value in _details(r):
            if label == "Source" and value.startswith(("https://", "http://")):
                cell = f'<a href="{e(value, quote=True)}">{e(value)}</a>'
            else:
                cell = e(value)
            parts.append(f"<br>{e(label)}: {cell}")
        parts.append("</p>")
        for para in body_paragraphs(r.event.event.description or ""):
            parts.append(f"<p>{e(para)}</p>")
        parts.append("</li>")
    parts.append("</ol>")
    parts.append(f'<p style="color:#666">{e(_footer(d))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _details(r: Reminder) -> list[tuple[str, str]]:
    ev = r.event.event
    rows = [("When", f"{span_text(r)} ({ev.kind})")]
    if ev.location:
        rows.append(("Where", body_line(ev.location)))
    note = late_note(r)
    rows.append(("Reminder", f"{r.lead.text} before" + (f" ({note})" if note else "")))
    if ev.source:
        rows.append(("Source", body_line(ev.source)))
    return rows


def _footer(d: Digest) -> str:
    return (
        f"Sent by cica remind to {d.recipient.addr_spec}. {ICS_FILENAME} holds these events "
        "for your calendar app."
    )


def build_message(
    d: Digest,
    *,
    sender: Address,
    calendar_name: str,
    today: dt.date,
    date: dt.datetime,
    ics: bytes | None,
) -> EmailMessage:
    """The email for one digest. ``date`` is the Date header (the real moment of sending).

    The subject starts with the calendar's name ("CICA 2024: ..."), cut to 24 characters, so that
    reminders from two calendars can be told apart (and filtered) in an inbox.
    """
    msg = EmailMessage(policy=POLICY)
    msg["From"] = str(sender)
    msg["To"] = str(d.recipient)
    msg["Subject"] = header_text(subject(d, prefix=short_title(calendar_name, limit=24)))
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = d.message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(plain_text(d, calendar_name, today))
    msg.add_alternative(html_text(d, calendar_name, today), subtype="html")
    if ics is not None:
        msg.add_attachment(
            ics,
            maintype="text",
            subtype="calendar",
            filename=ICS_FILENAME,
            params={"method": "PUBLISH"},
        )
    return msg


def as_bytes(msg: EmailMessage, utf8: bool = False) -> bytes:
    """The message exactly as it goes on the wire (CRLF line ends).

    ``utf8``: for an address with a non-ASCII local part (sent with SMTPUTF8, RFC 6532), whose
    headers are written in UTF-8; an encoded word is not allowed inside an address.
    """
    return msg.as_bytes(policy=_WIRE_UTF8 if utf8 else _WIRE)

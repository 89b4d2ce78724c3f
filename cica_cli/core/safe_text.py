"""Text from a calendar made safe to print: the one rule for the terminal, the .ics and the mail.

A calendar is shared (colleagues, git, generated files), so its text is not trusted. A title
could clear the screen, set the window title or write the clipboard (OSC 52) with escape
sequences, split ``cica next``'s one line in two with a line break, or read backwards with a
bidi override (U+202E, "Trojan Source"). The loader passes every text of the calendar through
``line`` (or ``paragraphs`` for descriptions) once, so the records, the cache and every view,
export and mail only ever see the safe text; ``cli`` does the same for every message on stderr.

The rule:

- an escape sequence (CSI ``ESC [ ... m``, OSC ``ESC ] ... BEL``, DCS/APC/PM/SOS strings, and
  two-character ``ESC x``; the 8-bit CSI ``U+009B ...``) is removed whole;
- line breaks (LF, CR, VT, FF, NEL, U+2028, U+2029) and tabs become one space per run in a
  single line (``line``: titles, places, tags, names, messages); ``paragraphs`` (descriptions)
  keeps them as line breaks (LF) and tabs;
- every other C0 and C1 control character, DEL, the bidi embeddings and overrides
  U+202A-U+202E and the isolates U+2066-U+2069 are removed.

Everything else is kept as written: letters of every script, emoji, ZWJ/ZWNJ and the bidi marks
U+200E/U+200F (which cannot reorder text beyond their own position).
"""

from __future__ import annotations

import re

#: A whole escape sequence: what a terminal would act on after ESC (or the 8-bit CSI).
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI: colours, cursor moves, clear screen
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: window title, clipboard (52), links
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[0-~]?"  # two-character sequences (ESC c: reset), or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
)
_BIDI = "\u202a-\u202e\u2066-\u2069"
_DROP = re.compile(rf"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f{_BIDI}]+")
#: Line breaks and tabs: a space in one line (a run of them, one space).
_LINE_BREAKS = re.compile("[\t-\r\x85\u2028\u2029]+")
#: In paragraphs every line break is LF, and tabs stay.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def line(text: str) -> str:
    """``text`` safe to print as (part of) one line: no controls, no escape sequences, no line
    breaks and no bidi overrides (see the module docstring)."""
    if text.isprintable():  # nearly every title: nothing to look for
        return text
    safe = _LINE_BREAKS.sub(" ", _DROP.sub("", _SEQUENCE.sub("", text)))
    return safe if safe == text else safe.strip()


def name(text: str) -> str:
    """A file's name (or a git revision) safe to print or to put in JSON: as ``line``, and a
    byte that was not UTF-8 (which Python keeps as a lone surrogate) shown as U+FFFD."""
    return line(_SURROGATES.sub("\ufffd", text))


_SURROGATES = re.compile("[\ud800-\udfff]")


def paragraphs(text: str) -> str:
    """``text`` safe to print as lines: as ``line``, but line breaks (as LF) and tabs stay."""
    if text.replace("\n", "").replace("\t", "").isprintable():  # most descriptions: as is
        return text
    return _DROP.sub("", _SEQUENCE.sub("", _BREAKS.sub("\n", text)))

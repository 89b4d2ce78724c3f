"""Word wrapping for the plain-text mail: ``textwrap.wrap`` without breaking words, made faster.

A digest of a large calendar wraps a thousand short texts, and ``textwrap`` spends most of its
time on machinery these texts do not need (tab expansion, a regular expression per text, a chunk
list consumed from the end). Printable text whose only spaces are single ones between words (what
``one_line`` leaves of most texts) is wrapped here by the same greedy rule, a line at a time: each
is cut at the last space that fits (``str.rfind``). Anything else goes to ``textwrap``.
"""

from __future__ import annotations


def wrap(text: str, width: int, initial_indent: str, subsequent_indent: str) -> list[str]:
    """``textwrap.wrap(text, width, initial_indent=..., subsequent_indent=...,
    break_long_words=False, break_on_hyphens=False)``: lines of at most ``width`` characters
    (indent included) unless one word is longer."""
    if not _single_spaced(text):
        import textwrap

        return textwrap.wrap(
            text,
            width=width,
            initial_indent=initial_indent,
            subsequent_indent=subsequent_indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
    lines: list[str] = []
    indent, start, end = initial_indent, 0, len(text)
    while True:
        room = width - len(indent)
        if end - start <= room:
            lines.append(indent + text[start:])
            return lines
        # The line ends at the last space that leaves it at most `room` long; a first word
        # longer than that stays whole, on a line of its own.
        cut = text.rfind(" ", start, start + room + 1)
        if cut < 0:
            cut = text.find(" ", start)
            if cut < 0:
                lines.append(indent + text[start:])
                return lines
        lines.append(indent + text[start:cut])
        indent, start = subsequent_indent, cut + 1


def _single_spaced(text: str) -> bool:
    """True for words separated by single spaces, with none at either end (and some text).

    The space is the only printable character that is whitespace to Python (``str.strip``, which
    ``textwrap`` uses to drop blank chunks) or to ``textwrap`` (which splits at ASCII whitespace).
    """
    return text.isprintable() and text[:1] not in ("", " ") and text[-1] != " " and "  " not in text

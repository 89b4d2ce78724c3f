"""Word wrapping for the plain-text mail: ``textwrap.wrap`` without breaking words, made faster.

A digest of a large calendar wraps a thousand short texts, and ``textwrap`` spends most of its
time on machinery these texts do not need (tab expansion, a regular expression per text, a chunk
list consumed from the end). Printable text whose only spaces are single ones between words (what
``one_line`` leaves of most texts) is wrapped here by the same greedy rule; anything else goes to
``textwrap``.
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
    indent = initial_indent
    room = width - len(indent)
    line: list[str] = []
    used = 0
    for word in text.split(" "):
        if not line:
            line.append(word)  # a word longer than the room stays whole, on a line of its own
            used = len(word)
        elif used + 1 + len(word) <= room:
            line.append(word)
            used += 1 + len(word)
        else:
            lines.append(indent + " ".join(line))
            indent = subsequent_indent
            room = width - len(indent)
            line = [word]
            used = len(word)
    lines.append(indent + " ".join(line))
    return lines


def _single_spaced(text: str) -> bool:
    """True for words separated by single spaces, with none at either end (and some text).

    The space is the only printable character that is whitespace to Python (``str.strip``, which
    ``textwrap`` uses to drop blank chunks) or to ``textwrap`` (which splits at ASCII whitespace).
    """
    return text.isprintable() and text[:1] not in ("", " ") and text[-1] != " " and "  " not in text

"""Terminal cells, as Rich (which prints every view) counts them: how wide a text is, and how
much of it fits, never cutting a character cluster (an emoji sequence, a flag) in two."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from rich.cells import cell_len as _rich_cell_len


def cell_len(text: str) -> int:
    """Terminal cells ``text`` takes; printable ASCII, most of what a calendar holds, takes one a
    character (``safe_text`` removed controls)."""
    return len(text) if text.isascii() else _rich_cell_len(text)


def fit(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` cells (at least one character cluster):
    whole clusters only, so that an emoji sequence or a flag is never cut in two."""
    if text.isascii():
        return max(1, min(len(text), width))
    end = 0
    for cluster_end in _cluster_ends(text):
        if end and cell_len(text[:cluster_end]) > width:
            break
        end = cluster_end
    return end


def shortened(text: str, width: int, mark: str = "\N{HORIZONTAL ELLIPSIS}") -> str:
    """``text`` in at most ``width`` cells: whole, or cut (at a cluster) and ended by ``mark``."""
    if cell_len(text) <= width:
        return text
    return text[: fit(text, max(1, width - cell_len(mark)))] + mark


def padded(text: str, width: int) -> str:
    """``text`` with spaces after it up to ``width`` cells."""
    return text + " " * max(0, width - cell_len(text))


def _cluster_ends(text: str) -> Iterator[int]:
    """Where each character cluster of ``text`` ends: a character with the marks, variation
    selectors and skin tones after it, the characters a zero-width joiner ties to it, or a pair
    of regional indicators (a flag)."""
    index, size = 0, len(text)
    while index < size:
        first = text[index]
        index += 1
        if _is_regional(first) and index < size and _is_regional(text[index]):
            index += 1
        while index < size:
            char = text[index]
            if char == "\u200d" and index + 1 < size:
                index += 2
            elif _extends(char):
                index += 1
            else:
                break
        yield index


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _extends(char: str) -> bool:
    """A character that belongs to the one before it."""
    if char.isascii():
        return False
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tones
        or char == "\u200d"
    )

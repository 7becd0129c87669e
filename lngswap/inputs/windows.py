"""The one date-window check of every input: a window's end may not come before its start.

Horizons, events, swap windows, rules and their cap steps, and contract dates all hold a
start and an end (both inclusive); each validates them here, so every reversed window is
refused with the same words.
"""

from __future__ import annotations

from datetime import date


def reversed_window(start: date | None, end: date | None,
                    names: tuple[str, str] = ("start", "end")) -> str | None:
    """The message for a window whose end comes before its start, else None (an open end,
    None, is never reversed)."""
    if start is None or end is None or not end < start:
        return None
    return f"dates reversed: {names[1]} {end} is before {names[0]} {start}"


def check_window(start: date | None, end: date | None,
                 names: tuple[str, str] = ("start", "end")) -> None:
    """Raise ValueError (turned into a named key by pydantic) for a reversed window."""
    msg = reversed_window(start, end, names)
    if msg:
        raise ValueError(msg)

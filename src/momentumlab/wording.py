"""Words shared by the report, the deck and the figures: counts with the right plural, ordinals."""

from __future__ import annotations

from typing import Callable


def counted(count: int, noun: str, plural: str | None = None, number: Callable[[int], str] = str) -> str:
    """``"1 experiment"``, ``"3 experiments"`` (``plural`` for irregular nouns, ``number`` formats the count)."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{number(count)} {word}"


def ordinal(number: int) -> str:
    """``"1st"``, ``"2nd"``, ``"3rd"``, ``"4th"``, ``"11th"``, ``"22nd"``."""
    suffix = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"

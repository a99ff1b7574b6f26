"""Words shared by the report, the deck and the figures: counts with the right plural."""

from __future__ import annotations

from typing import Callable


def counted(count: int, noun: str, plural: str | None = None, number: Callable[[int], str] = str) -> str:
    """``"1 experiment"``, ``"3 experiments"`` (``plural`` for irregular nouns, ``number`` formats the count)."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{number(count)} {word}"

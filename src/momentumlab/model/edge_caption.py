"""What the sharpness figure shows, in sentences built from summary.json's ``sharpness`` fields (``model.run.sharpness_record``)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from momentumlab.records import format_count, format_number

DIGITS = 3


def percent(fraction: float) -> str:
    """A fraction as the caption prints it, in percent ("92.6")."""
    return format_number(100.0 * fraction, DIGITS)


def sharpness_sentence(row: Mapping[str, Any]) -> str:
    """One run's sentence: where its sharpness starts and peaks and, against its threshold, the
    measured share of later records near it (or why no threshold applies)."""
    record = row["sharpness"]
    name = row.get("optimizer_label") or row["optimizer"]
    rise = (f"{name}: the sharpness starts at {format_number(record['start'], DIGITS)} and peaks at "
            f"{format_number(record['max'], DIGITS)}")
    limit = record["threshold"]
    if limit is None:
        return f"{rise}; no threshold is drawn: {record['reason']}."
    edge = f"{record['formula']} = {format_number(limit, DIGITS)}"
    reach = f"{format_number(record['reach'])} · {record['formula']}"
    band = format_number(100 * record["band"])
    if record["reached_at"] is None:
        return f"{rise}; it never reaches {reach}, so it does not meet its threshold {edge}."
    if record["fraction_near"] is None:
        return f"{rise}; it first reaches {reach} at the last record (step {record['reached_at']})."
    return (f"{rise}; after it first reaches {reach} (step {format_number(record['reached_at'])}), "
            f"{percent(record['fraction_near'])} % of the {format_count(record['records_after'], 'later record')} "
            f"lie within {band} % of {edge} (their median: {format_number(record['median_after'], DIGITS)}, "
            f"{format_number(record['median_after'] / limit, DIGITS)} × the threshold).")


def sharpness_sentences(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The sentence of every row that carries a sharpness series, in row order."""
    return [sharpness_sentence(row) for row in rows if row.get("sharpness")]

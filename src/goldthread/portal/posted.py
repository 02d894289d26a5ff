"""Reading posted values that name records or dates, so that whatever a browser (or anyone) sends gives a form
error and never an exception: "abc", a 20-digit id, a 5,000-digit number, a year past 9999, "nan".

Django's exact lookups already treat an id too large for the database as matching nothing, but ``int()`` of a
non-number raises, ``pk__in`` with a too-large id overflows SQLite, and ``datetime.date`` of a huge year
overflows. Views read ids, dates and numbers through these."""

from __future__ import annotations

import datetime as dt
import math

MAX_ID = 10**18 - 1  # as the URLs' <id:...>: 18 digits always fit a database's 64-bit integer
_ID_DIGITS = 18


def posted_id(value) -> int | None:
    """A record's id as posted: a whole number from 1 to MAX_ID, else None (which matches no record)."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > _ID_DIGITS:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def posted_ids(values) -> list[int]:
    """The valid ids among several posted values (a multiple choice); the rest are left out."""
    return [number for number in (posted_id(v) for v in values) if number is not None]


def posted_whole_number(value, *, digits: int = 18) -> int | None:
    """A whole number of at most ``digits`` digits (0 or more), else None."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > digits:
        return None
    return int(text)


def posted_date(post, prefix: str) -> dt.date | None:
    """A GOV.UK date input (prefix-day, prefix-month, prefix-year); None when blank or not a real date."""
    parts = [posted_whole_number(post.get(f"{prefix}-{part}", ""), digits=4) for part in ("year", "month", "day")]
    if None in parts:
        return None
    try:
        return dt.date(*parts)
    except ValueError:
        return None


def posted_number(value) -> float | None:
    """A finite number ("72.5", "1,200", "85%"), else None (not "nan", "inf" or "1e999")."""
    text = str(value if value is not None else "").replace(",", "").replace("%", "").strip()
    if len(text) > 50:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def too_long(model, **values) -> dict[str, str]:
    """Form errors for text longer than the model's field holds: {field: "Title must be 200 characters or
    fewer."}. (SQLite would store it; PostgreSQL refuses it with an error, so actions check first.)"""
    errors = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        limit = getattr(field, "max_length", None)
        if limit and isinstance(value, str) and len(value.strip()) > limit:
            label = str(field.verbose_name)
            errors[name] = f"{label[:1].upper()}{label[1:]} must be {limit:,} characters or fewer."
    return errors

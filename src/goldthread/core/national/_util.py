"""Small helpers shared by the national readers: the packaged data folder, column names, council names."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path


def data_folder(folder: str | Path | None = None) -> Path:
    """The folder holding ofsted/, dfe/, lookups/ and deprivation/: `folder`, or the packaged copy."""
    if folder is not None:
        return Path(folder)
    return Path(str(resources.files("goldthread").joinpath("data", "national")))


_SNAKE_WORDS = (("%", " pct "), ("+", " plus "), ("&", " and "))


def snake_case(text: str) -> str:
    """`Duration_21+_days` -> `duration_21_plus_days`; `turnover_rate_fte_%` -> `turnover_rate_fte_pct`."""
    out = str(text).strip()
    for old, new in _SNAKE_WORDS:
        out = out.replace(old, new)
    out = re.sub(r"[^0-9a-zA-Z]+", "_", out).strip("_").lower()
    return re.sub(r"_+", "_", out)


def unique_snake_columns(columns) -> list[str]:
    """snake_case every column name, refusing two published names that collapse onto one."""
    names = [snake_case(c) for c in columns]
    seen: dict[str, str] = {}
    for original, name in zip(columns, names, strict=True):
        if name in seen:
            raise ValueError(f"columns {seen[name]!r} and {original!r} both become {name!r}")
        seen[name] = original
    return names


# Words that publishers add to or drop from a council's name without changing which council it is.
_NAME_NOISE = {"city", "of", "borough", "county", "council", "the", "upon", "on", "ua", "mbc", "cc"}


def name_key(name: str) -> str:
    """A comparison key for council names as different publishers spell them.

    "Kingston Upon Hull, City of", "Kingston upon Hull" -> "hull kingston"; "Telford & Wrekin" ->
    "and telford wrekin"; "Bedford Borough" -> "bedford"; "St. Helens" -> "helens st". Word order is
    ignored (the ONS puts ", City of" last), so keys are only ever compared, never shown.
    """
    text = str(name).lower().replace("&", " and ").replace("-", " ")
    words = re.sub(r"[^a-z0-9 ]+", " ", text).split()
    kept = sorted(w for w in words if w not in _NAME_NOISE)
    return " ".join(kept)

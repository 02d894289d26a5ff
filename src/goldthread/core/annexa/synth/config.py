"""What to simulate: the configuration of a fictional council, its sizes and profiles, and the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

date = dt.date


SIM_START = date(2019, 4, 1)
"""First day of the simulated history (children in care before it are seeded as a standing stock)."""
EARLIEST_AS_AT = date(2021, 3, 31)
"""Earliest extract date: two years in, so case loads, plans and counts over 12 months are settled."""
IMPROVEMENT_START = date(2023, 4, 1)
"""The "improving" profile practises as a struggling council until this date ..."""
IMPROVEMENT_END = date(2026, 3, 31)
"""... and as a strong one from this date, improving steadily in between."""

PROFILES = ("strong", "struggling", "improving")


@dataclass(frozen=True)
class _Size:
    referrals_per_month: float
    localities: int


SIZES: dict[str, _Size] = {
    "small": _Size(33, 2),  # about 2,000 rows in all lists together
    "medium": _Size(240, 3),  # about 15,000
    "large": _Size(1090, 5),  # about 70,000
}


@dataclass(frozen=True)
class SynthConfig:
    """Which council to simulate.

    size: "small" (about 2,000 rows in all lists together), "medium" (about 15,000), "large" (about 70,000).
    profile: "strong" or "struggling"; also "improving": struggling early in the timeline (before
    IMPROVEMENT_START), strong by the end (from IMPROVEMENT_END).
    seed: different seeds give different children, workers and events.
    council_name: fictional; used for team names, placement LA name etc.
    improved_by: for "improving", the date it practises as a strong council from (default
    IMPROVEMENT_END); it improves steadily over the three years before. The demo sets it after its
    latest extract so that its months show the climb.
    """

    size: str = "small"
    profile: str = "strong"
    seed: int = 1
    council_name: str = "Northby"
    improved_by: date | None = None

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"size must be one of {', '.join(SIZES)}, not {self.size!r}")
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {self.profile!r}")
        if not self.council_name.strip():
            raise ValueError("council_name must not be blank")

"""Choosing children to audit from an Annex A extract: candidates, risk factors and reproducible samples.

``candidates(data, ctx)`` lists every child with open work at the extract date, with the risk factors that
apply to them. ``draw_sample`` picks some of them at random, in proportion across teams or cohorts, or with
higher-risk children more likely to be picked. The same candidates, settings and seed always give the same
sample, whatever order the candidates come in, so a stored ``SamplingPlan`` can be redrawn identically.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from goldthread.core.measures import REGISTRY, Context
from goldthread.core.measures.registry import Data, months_before, one_per_child, open_at, row_frame

# --------------------------------------------------------------------------- risk factors


@dataclass(frozen=True)
class RiskFactor:
    id: str
    title: str  # short, used in a sampled child's reason: "CP visits out of timescale"
    definition: str  # plain English
    weight: float  # default weight in risk-weighted sampling
    function: Callable[[Data, Context], set[str]]  # the child_ids it applies to


RISK_FACTORS: dict[str, RiskFactor] = {}


def risk_factor(*, id: str, title: str, definition: str, weight: float):
    """Declare a risk factor; the decorated function returns the set of child_ids it applies to."""

    def register(function: Callable[[Data, Context], set[str]]) -> Callable[[Data, Context], set[str]]:
        if id in RISK_FACTORS:
            raise ValueError(f"risk factor {id!r} is declared twice")
        RISK_FACTORS[id] = RiskFactor(id, title, " ".join(definition.split()), weight, function)
        return function

    return register


def _children(rows: pd.DataFrame, mask: pd.Series) -> set[str]:
    return {str(c) for c in rows.loc[mask.to_numpy(dtype=bool), "child_id"] if c is not None and c == c}


def _out_of_timescale(measure_id: str, data: Data, ctx: Context) -> set[str]:
    """Children with a row in the measure's denominator that is not in its numerator."""
    rows = REGISTRY[measure_id].compute(data, ctx).rows
    return _children(rows, rows["in_denominator"].astype(bool) & ~rows["in_numerator"].astype(bool))


def _in_numerator(measure_id: str, data: Data, ctx: Context) -> set[str]:
    rows = REGISTRY[measure_id].compute(data, ctx).rows
    return _children(rows, rows["in_numerator"].astype(bool))


@risk_factor(id="cp_visits_overdue", title="CP visits out of timescale", weight=3,
             definition="""On a child protection plan open at the extract date whose last statutory visit is
             outside the council's CP visit interval, or not recorded (not in the numerator of "Child
             protection visits within timescale").""")
def cp_visits_overdue(data: Data, ctx: Context) -> set[str]:
    return _out_of_timescale("cpp_visits_in_timescale", data, ctx)


@risk_factor(id="cin_visits_overdue", title="CIN visits out of timescale", weight=2,
             definition="""On a child in need plan at the extract date and last seen outside the council's CIN
             visit interval, or never recorded as seen (not in the numerator of "Children in need seen within
             timescale").""")
def cin_visits_overdue(data: Data, ctx: Context) -> set[str]:
    return _out_of_timescale("cin_visits_in_timescale", data, ctx)


@risk_factor(id="cla_visits_overdue", title="Children in care visits out of timescale", weight=2,
             definition="""Looked after at the extract date and not visited by a social worker in the 42 days
             before it, or no visit recorded (not in the numerator of "Children in care visited within six
             weeks").""")
def cla_visits_overdue(data: Data, ctx: Context) -> set[str]:
    return _out_of_timescale("cla_visits_in_timescale", data, ctx)


@risk_factor(id="cp_review_overdue", title="CP review overdue", weight=2,
             definition="""On a child protection plan open at the extract date that is overdue for a review
             conference (not in the numerator of "Child protection reviews in timescale").""")
def cp_review_overdue(data: Data, ctx: Context) -> set[str]:
    return _out_of_timescale("cpp_reviews_in_timescale", data, ctx)


@risk_factor(id="cla_review_overdue", title="Children in care review overdue", weight=2,
             definition="""Looked after at the extract date and overdue for a statutory review (not in the
             numerator of "Children in care reviews in timescale").""")
def cla_review_overdue(data: Data, ctx: Context) -> set[str]:
    return _out_of_timescale("cla_reviews_in_timescale", data, ctx)


@risk_factor(id="placements_3plus", title="3 or more placements in 12 months", weight=2,
             definition="""Looked after at the extract date with 3 or more placements in the last 12 months (in
             the numerator of "Children in care with three or more placements").""")
def placements_3plus(data: Data, ctx: Context) -> set[str]:
    return _in_numerator("cla_3plus_placements", data, ctx)


@risk_factor(id="cp_plan_2_years_plus", title="CP plan open 2 years or more", weight=2,
             definition="""On a child protection plan open at the extract date that started 2 or more years
             before it (in the numerator of "Plans open two years or more").""")
def cp_plan_2_years_plus(data: Data, ctx: Context) -> set[str]:
    return _in_numerator("cpp_open_2_years_plus", data, ctx)


@risk_factor(id="repeat_referral", title="Repeat referral", weight=1,
             definition="""Referred in the six months before the extract date with at least one other referral
             in the 12 months before that referral (in the numerator of "Re-referrals within 12 months").""")
def repeat_referral(data: Data, ctx: Context) -> set[str]:
    return _in_numerator("re_referrals_12m", data, ctx)


@risk_factor(id="repeat_cp_plan", title="Second or subsequent CP plan", weight=1,
             definition="""Started a child protection plan in the six months before the extract date having had
             a plan before (in the numerator of "Plans that are a second or subsequent plan").""")
def repeat_cp_plan(data: Data, ctx: Context) -> set[str]:
    return _in_numerator("cpp_second_or_subsequent", data, ctx)


def default_weights() -> dict[str, float]:
    return {fid: f.weight for fid, f in RISK_FACTORS.items()}


# --------------------------------------------------------------------------- candidates

# The lists a child can be open on, most relevant first: the child's allocation and cohort come from the
# first of these they are open on. (list number, cohort, start column, end column)
OPEN_LISTS: tuple[tuple[int, str, str | None, str | None], ...] = (
    (7, "Child protection", "cpp_start_date", "cpp_end_date"),
    (8, "Children in care", "cla_start_date", "cla_end_date"),
    (6, "Children in need", "cin_start_date", "cin_closure_date"),
    (9, "Care leavers", None, None),  # List 9 has no dates: every young person on it counts as open
    (4, "Assessment", "assessment_start_date", "assessment_authorised_date"),
)
COHORTS: tuple[str, ...] = tuple(cohort for _, cohort, _, _ in OPEN_LISTS)

CANDIDATE_COLUMNS = ["child_id", "allocated_team", "allocated_worker", "cohort", "lists"]


def candidate_columns() -> list[str]:
    return [*CANDIDATE_COLUMNS, *RISK_FACTORS, "risk_factors", "risk_score"]


def _open_rows(data: Data, ctx: Context) -> pd.DataFrame:
    """One row per child and list they are open on: child_id, allocated_team, allocated_worker, list_number,
    priority (0 = most relevant). Within a list, the child's latest open row (latest start)."""
    frames = []
    for priority, (number, _, start, end) in enumerate(OPEN_LISTS):
        t = data.table(number)
        if not len(t):
            continue
        t = t[t["child_id"].notna()]
        if start is None:
            latest = t.sort_values("row_number", kind="stable").drop_duplicates("child_id", keep="last")
        else:
            latest = one_per_child(t[open_at(t[start], t[end], ctx)], start)
        rows = row_frame(latest, number, True)
        frames.append(rows[["child_id", "allocated_team", "allocated_worker", "list_number"]]
                      .assign(priority=priority, child_id=rows["child_id"].astype(str)))
    if not frames:
        return pd.DataFrame(columns=["child_id", "allocated_team", "allocated_worker", "list_number", "priority"])
    return pd.concat(frames, ignore_index=True)


def _score(frame: pd.DataFrame, weights: Mapping[str, float]) -> np.ndarray:
    score = np.zeros(len(frame), dtype=float)
    for fid, weight in weights.items():
        if weight:
            if fid not in frame:
                raise ValueError(f"The candidates have no column for the risk factor {fid!r}.")
            score += weight * frame[fid].to_numpy(dtype=bool)
    return score


def candidates(data: Data, ctx: Context, *, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Every child with open work at ``ctx.as_at``: an open child protection plan (List 7), in care (List 8),
    an open children in need episode (List 6), a care leaver (List 9) or an open assessment (List 4).

    Columns: child_id, allocated_team, allocated_worker (None when not allocated), cohort, lists (sorted
    tuple of list numbers the child is open on), one bool column per risk factor id, risk_factors (tuple of
    the ids that apply, in ``RISK_FACTORS`` order) and risk_score (sum of their weights: ``weights``, else
    each factor's default). Team, worker and cohort come from the child's most relevant open row: child
    protection, then care, then children in need, then care leaver, then assessment. Sorted by child_id.
    """
    weights = _checked_weights(weights)
    rows = _open_rows(data, ctx)
    columns = candidate_columns()
    if rows.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        for fid in RISK_FACTORS:
            out[fid] = out[fid].astype(bool)
        out["risk_score"] = out["risk_score"].astype(float)
        return out
    main = rows.sort_values(["child_id", "priority"], kind="stable").drop_duplicates("child_id", keep="first")
    out = main[["child_id", "allocated_team", "allocated_worker"]].reset_index(drop=True)
    for col in ("allocated_team", "allocated_worker"):  # "not allocated" is None, never NaN
        out[col] = pd.Series([v if isinstance(v, str) else None for v in out[col]], dtype=object)
    out["cohort"] = [OPEN_LISTS[p][1] for p in main["priority"]]
    lists = rows.groupby("child_id")["list_number"].agg(lambda s: tuple(sorted(int(n) for n in set(s))))
    out["lists"] = out["child_id"].map(lists)
    applying: dict[str, set[str]] = {fid: f.function(data, ctx) for fid, f in RISK_FACTORS.items()}
    for fid, children in applying.items():
        out[fid] = out["child_id"].isin(children).to_numpy(dtype=bool)
    flags = [(fid, out[fid].to_numpy(dtype=bool)) for fid in RISK_FACTORS]
    out["risk_factors"] = [tuple(fid for fid, applies in flags if applies[i]) for i in range(len(out))]
    out["risk_score"] = _score(out, weights)
    return out.sort_values("child_id", kind="stable", ignore_index=True)[columns]


# --------------------------------------------------------------------------- samples

RANDOM = "random"
STRATIFIED = "stratified"
RISK = "risk"
METHODS = (RANDOM, STRATIFIED, RISK)
STRATA = {"team": "allocated_team", "cohort": "cohort"}


def _checked_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    out = default_weights()
    for fid, weight in (weights or {}).items():
        if fid not in RISK_FACTORS:
            raise ValueError(f"{fid!r} is not a risk factor; expected one of {', '.join(RISK_FACTORS)}.")
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not math.isfinite(weight) \
                or weight < 0:
            raise ValueError(f"The weight for {fid!r} must be a number, 0 or more (not {weight!r}).")
        out[fid] = float(weight)
    return out


def _check(size, method: str, stratify_by: str | None) -> None:
    if method not in METHODS:
        raise ValueError(f"Unknown sampling method {method!r}; expected one of {', '.join(METHODS)}.")
    if stratify_by is not None and stratify_by not in STRATA:
        raise ValueError(f"Cannot stratify by {stratify_by!r}; expected one of {', '.join(STRATA)}.")
    if method == STRATIFIED and stratify_by is None:
        raise ValueError("A stratified sample needs stratify_by: 'team' or 'cohort'.")
    if isinstance(size, bool) or not isinstance(size, numbers.Integral):
        raise ValueError(f"The sample size must be a whole number (not {size!r}).")
    if size < 1:
        raise ValueError(f"The sample size must be at least 1 (not {size}).")


def allocate(sizes: Mapping[str, int], size: int) -> dict[str, int]:
    """Proportional allocation of ``size`` across strata of the given sizes, by largest remainder (ties:
    the larger stratum, then the name). When ``size`` is at least the number of non-empty strata, each gets
    at least one, taken from the stratum furthest above its exact share. Never more than a stratum holds."""
    sizes = {k: int(n) for k, n in sizes.items() if n > 0}
    total = sum(sizes.values())
    if size >= total:
        return dict(sizes)
    alloc = {k: size * n // total for k, n in sizes.items()}
    rest = size - sum(alloc.values())
    by_remainder = sorted(sizes, key=lambda k: (-(size * sizes[k] % total), -sizes[k], k))
    for k in by_remainder[:rest]:
        alloc[k] += 1
    if size >= len(sizes):
        for k in sorted(k for k in sizes if alloc[k] == 0):
            # the excess over the exact share size * n / total, compared as integers (times total)
            donor = max((d for d in sizes if alloc[d] > 1),
                        key=lambda d: (alloc[d] * total - size * sizes[d], alloc[d], d))
            alloc[donor] -= 1
            alloc[k] = 1
    return alloc


def _risk_reasons(pool: pd.DataFrame, chosen: list[int], weights: Mapping[str, float]) -> list[str]:
    flags = {fid: pool[fid].to_numpy(dtype=bool)[chosen] for fid in RISK_FACTORS if weights.get(fid) and fid in pool}
    reasons = []
    for i in range(len(chosen)):
        titles = [RISK_FACTORS[fid].title for fid, applies in flags.items() if applies[i]]
        reasons.append("Risk-weighted: " + ("; ".join(titles) if titles else "no risk factors apply"))
    return reasons


def draw_sample(candidates: pd.DataFrame, *, size: int, method: str, seed: int | None,
                stratify_by: str | None = None, weights: Mapping[str, float] | None = None,
                exclude: Iterable[str] = frozenset()) -> pd.DataFrame:
    """Choose up to ``size`` children from ``candidates`` (as ``candidates()`` makes them).

    method "random": simple random sampling without replacement. "stratified": ``size`` shared across the
    groups of ``stratify_by`` ("team" or "cohort") in proportion to their sizes (see ``allocate``), random
    within each. "risk": weighted sampling without replacement, each child's chance proportional to
    1 + the sum of the ``weights`` of the risk factors that apply to them (defaults from ``RISK_FACTORS``).
    Children in ``exclude`` (audited recently) are removed first; a size larger than what is left gives
    all of it. Returns the chosen candidate rows plus ``reason`` (plain English) and ``order`` (1..n, the
    order drawn; for a stratified sample, stratum by stratum). The same candidates in any row order, with
    the same size, method, stratify_by, weights, exclude and seed, give the same sample.
    """
    _check(size, method, stratify_by)
    weights = _checked_weights(weights)
    if candidates["child_id"].duplicated().any():
        repeated = candidates.loc[candidates["child_id"].duplicated(), "child_id"].iloc[0]
        raise ValueError(f"The candidates list child {repeated} more than once.")
    excluded = {str(c) for c in exclude}
    pool = candidates[~candidates["child_id"].astype(str).isin(excluded)]
    pool = pool.sort_values("child_id", kind="stable", ignore_index=True)
    rng = np.random.default_rng(seed)
    n = len(pool)
    reasons: list[str]
    if method == RANDOM:
        chosen = list(rng.permutation(n)[:size])
        reasons = ["Randomly selected"] * len(chosen)
    elif method == RISK:
        w = 1.0 + _score(pool, weights)
        keys = np.log(1.0 - rng.random(n)) / w  # Efraimidis-Spirakis: the largest keys, in order
        chosen = [int(i) for i in np.argsort(-keys, kind="stable")[:size]]
        reasons = _risk_reasons(pool, chosen, weights)
    else:
        column = STRATA[stratify_by]
        keys = np.array([str(v) if isinstance(v, str) and v else "" for v in pool[column]], dtype=object)
        strata = {k: np.flatnonzero(keys == k) for k in sorted(set(keys))}
        alloc = allocate({k: len(ix) for k, ix in strata.items()}, size)
        chosen, reasons = [], []
        for k, ix in strata.items():
            take = alloc.get(k, 0)
            if not take:
                continue
            picked = ix[rng.permutation(len(ix))[:take]]
            chosen.extend(picked)
            if k == "":
                where = "children with no allocated team" if stratify_by == "team" else "children with no cohort"
            else:
                where = f"{stratify_by} {k}"
            reasons.extend([f"Selected from {where} ({take} of {len(ix)})"] * take)
    out = pool.iloc[[int(i) for i in chosen]].reset_index(drop=True)
    out["reason"] = pd.Series(reasons, dtype=object)
    out["order"] = np.arange(1, len(out) + 1)
    return out


def recently_audited(audits: pd.DataFrame, as_at: dt.date, months: int) -> frozenset[str]:
    """Children with an audit (``audits`` has child_id and submitted_on) submitted in the ``months``
    calendar months before ``as_at``: as_at - months < submitted_on <= as_at. Pass as ``exclude``."""
    if months <= 0 or audits is None or audits.empty:
        return frozenset()
    submitted = pd.to_datetime(audits["submitted_on"], errors="coerce")
    recent = (submitted > months_before(as_at, months)) & (submitted <= np.datetime64(as_at, "ns"))
    return frozenset(str(c) for c in audits.loc[recent.to_numpy(dtype=bool), "child_id"] if c is not None)


def new_seed() -> int:
    """A fresh seed for a new sample (store it in the ``SamplingPlan`` to redraw the same sample)."""
    return secrets.randbelow(2**31)


@dataclass
class SamplingPlan:
    """How a sample is drawn, stored by the app so that it can be redrawn identically."""

    size: int
    method: str
    seed: int
    stratify_by: str | None = None
    weights: dict[str, float] | None = None  # risk factor id -> weight; None = the defaults
    exclude_months: int = 6  # leave out children audited in this many months before the extract date

    def __post_init__(self) -> None:
        _check(self.size, self.method, self.stratify_by)
        if self.weights is not None:
            _checked_weights(self.weights)
            self.weights = {k: float(v) for k, v in self.weights.items()}
        if isinstance(self.exclude_months, bool) or not isinstance(self.exclude_months, numbers.Integral) \
                or self.exclude_months < 0:
            raise ValueError(f"exclude_months must be a whole number, 0 or more (not {self.exclude_months!r}).")

    def to_dict(self) -> dict:
        return {"size": int(self.size), "method": self.method, "seed": self.seed, "stratify_by": self.stratify_by,
                "weights": None if self.weights is None else dict(self.weights),
                "exclude_months": int(self.exclude_months)}

    @classmethod
    def from_dict(cls, d: Mapping) -> SamplingPlan:
        return cls(size=d["size"], method=d["method"], seed=d["seed"], stratify_by=d.get("stratify_by"),
                   weights=d.get("weights"), exclude_months=d.get("exclude_months", 6))

    def draw(self, candidates: pd.DataFrame, exclude: Iterable[str] = frozenset()) -> pd.DataFrame:
        return draw_sample(candidates, size=self.size, method=self.method, seed=self.seed,
                           stratify_by=self.stratify_by, weights=self.weights, exclude=exclude)

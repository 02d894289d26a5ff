"""Annex A measures of social workers' caseloads: open work on Lists 4, 6, 7 and 8 by allocated worker.
Conventions: ``goldthread.core.measures.annex_a``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .derived import RowSet, view
from .registry import (
    COUNT,
    LOWER,
    NUMBER,
    PERCENT,
    Context,
    Data,
    Result,
    empty_rows,
    measure,
    percent_result,
)

_OPEN_WORK = ((4, "assessment_start_date", "assessment_authorised_date"), (6, "cin_start_date", "cin_closure_date"),
              (7, "cpp_start_date", "cpp_end_date"), (8, "cla_start_date", "cla_end_date"))
_READS = {n: (start, end) for n, start, end in _OPEN_WORK}
NOT_RECORDED = "Not recorded"


def open_rows(data: Data, ctx: Context) -> RowSet | None:
    """Open work at the extract date (open assessments, CIN episodes, CP plans and periods of care) as a RowSet,
    or None when there is none."""
    views = [view(data, n) for n, _, _ in _OPEN_WORK]
    key = ("open_work", ctx.as_at, *(id(v.table) for v in views[1:]))

    def make():
        parts = [v.select(v.open_at(start, end, ctx.as_at)).parts[0] for v, (_, start, end) in zip(views, _OPEN_WORK,
                                                                                                      strict=True)]
        parts = [p for p in parts if len(p)]
        return RowSet(parts) if parts else None
    return views[0].memo(key, make)


def open_work(data: Data, ctx: Context) -> pd.DataFrame:
    """Rows of open work at the extract date: open assessments, CIN episodes, CP plans and periods of care."""
    rows = open_rows(data, ctx)
    return empty_rows() if rows is None else rows.frame()


class _Loads:
    """Distinct children with open work per allocated worker, and each worker's team, from one RowSet."""

    def __init__(self, rows: RowSet):
        self.workers = rows.allocation_values("allocated_worker")
        self.allocated = pd.notna(self.workers)
        teams = rows.allocation_values("allocated_team")[self.allocated]
        worker_codes, names = pd.factorize(self.workers[self.allocated], sort=True)
        children, width, _ = rows.local_children()
        children = children[self.allocated]
        # distinct children per worker (a blank Child Unique ID is no child), largest first as pandas sorts them
        present = children >= 0
        pairs = np.sort(worker_codes[present].astype(np.int64) * max(width, 1) + children[present])
        first = np.ones(len(pairs), dtype=bool)
        first[1:] = pairs[1:] != pairs[:-1]
        counts = np.bincount(pairs[first] // max(width, 1), minlength=len(names))
        index = pd.Index(np.asarray(names, dtype=object), name="allocated_worker")
        self.loads = pd.Series(counts, index=index).sort_values(ascending=False)
        self.teams = _team_of_worker(worker_codes, np.asarray(names, dtype=object), teams)
        self._team_codes: np.ndarray | None = None

    def team_loads(self):
        """Per team (in name order): the loads of its workers."""
        teams = self.teams.reindex(self.loads.index).to_numpy(dtype=object)
        codes, names = pd.factorize(teams, sort=True)
        values = self.loads.to_numpy()
        return [(name, values[codes == i]) for i, name in enumerate(names)]


def _team_of_worker(worker_codes: np.ndarray, workers: np.ndarray, teams: np.ndarray) -> pd.Series:
    """Each allocated worker's team: the one most of their rows name (the first in name order on a tie), or
    "Not recorded" when none does. Indexed by worker, in name order."""
    named = pd.notna(teams)
    found = np.full(len(workers), NOT_RECORDED, dtype=object)
    if named.any():
        team_codes, team_names = pd.factorize(teams[named], sort=True)
        counts = np.bincount(worker_codes[named] * len(team_names) + team_codes,
                             minlength=len(workers) * len(team_names)).reshape(len(workers), len(team_names))
        has = counts.sum(axis=1) > 0
        found[has] = np.asarray(team_names, dtype=object)[counts[has].argmax(axis=1)]
    return pd.Series(found, index=pd.Index(workers, name="allocated_worker"), dtype=object)


def _loads(data: Data, ctx: Context) -> _Loads | None:
    rows = open_rows(data, ctx)
    if rows is None:
        return None
    return rows.memo("loads", lambda: _Loads(rows))


def caseloads(rows: pd.DataFrame) -> pd.Series:
    """Distinct children with open work per allocated worker (from a frame of open-work rows)."""
    allocated = rows[rows["allocated_worker"].notna()]
    return allocated.groupby("allocated_worker")["child_id"].nunique().sort_values(ascending=False)


def _caseload_breakdowns(loads: _Loads, value_of_team) -> dict[str, pd.DataFrame]:
    if loads.loads.empty:
        return {}
    worker = pd.DataFrame({"group": loads.loads.index, "numerator": loads.loads.to_numpy(), "denominator": None,
                           "value": loads.loads.to_numpy(dtype=float)}).sort_values("group", ignore_index=True)
    by_team = [{"group": team, **value_of_team(team_loads)} for team, team_loads in loads.team_loads()]
    return {"team": pd.DataFrame(by_team, columns=["group", "numerator", "denominator", "value"]), "worker": worker}


class _RowGroups(dict):
    """Each row's worker, and its worker's team, for the rows behind a caseload breakdown's cells (worked out
    when first read)."""

    def __init__(self, loads: _Loads):
        super().__init__()
        self._loads = loads

    def __contains__(self, key) -> bool:
        return key in ("team", "worker")

    def __getitem__(self, key: str) -> np.ndarray:
        if not dict.__contains__(self, key):
            workers = self._loads.workers
            if key == "worker":
                dict.__setitem__(self, key, workers)
            else:
                team_of = self._loads.teams.to_dict()
                dict.__setitem__(self, key, np.array([team_of.get(w) for w in workers], dtype=object))
        return dict.__getitem__(self, key)


@measure(id="caseload_median", title="Median caseload", unit=NUMBER, polarity=LOWER, group="workforce",
         reads=_READS, national="csww_average_caseload",
         definition="""The median, over allocated workers, of the number of distinct children each has with open
         work at the extract date: an open assessment (List 4), an open children in need episode (List 6), an
         open child protection plan (List 7) or a period of care (List 8). Numerator: children with open work
         and an allocated worker; denominator: allocated workers.""")
def caseload_median(data: Data, ctx: Context) -> Result:
    loads = _loads(data, ctx)
    if loads is None:
        return Result("", None, 0.0, 0.0, empty_rows(), note="No open work is allocated to a worker.")
    rows = open_rows(data, ctx).with_flags(loads.allocated, loads.allocated)
    children = rows.child_keys()[0][loads.allocated]
    value = float(loads.loads.median()) if len(loads.loads) else None
    result = Result("", value, float(len(np.unique(children[children >= 0]))), float(len(loads.loads)), rows,
                    note=None if len(loads.loads) else "No open work is allocated to a worker.")
    result.breakdowns = _caseload_breakdowns(loads, lambda team_loads: {
        "numerator": int(team_loads.sum()), "denominator": len(team_loads), "value": float(np.median(team_loads))})
    result.row_groups = _RowGroups(loads)
    return result


@measure(id="caseload_over_threshold", title="Workers over the caseload threshold", unit=COUNT, polarity=LOWER,
         group="workforce", reads=_READS,
         definition="""Allocated workers with more distinct children with open work at the extract date than the
         council's caseload threshold (20 unless the council sets another). Open work as for the median
         caseload. Denominator: all allocated workers.""")
def caseload_over_threshold(data: Data, ctx: Context) -> Result:
    loads = _loads(data, ctx)
    if loads is None:
        return Result("", 0.0, 0.0, 0.0, empty_rows())
    over = set(loads.loads[loads.loads > ctx.caseload_threshold].index)
    workers = pd.Series(loads.workers, dtype=object)
    rows = open_rows(data, ctx).with_flags(workers.isin(over).to_numpy(), True,
                                           detail=workers.map(loads.loads).to_numpy(dtype=object))
    result = Result("", float(len(over)), float(len(over)), float(len(loads.loads)), rows)
    result.breakdowns = _caseload_breakdowns(loads, lambda team_loads: {
        "numerator": int((team_loads > ctx.caseload_threshold).sum()), "denominator": len(team_loads),
        "value": float((team_loads > ctx.caseload_threshold).sum())})
    result.row_groups = _RowGroups(loads)
    return result


@measure(id="unallocated", title="Children with open work and no allocated worker", unit=PERCENT,
         polarity=LOWER, group="workforce", reads=_READS,
         definition="""Of distinct children with open work at the extract date (as for the median caseload), the
         percentage with no allocated worker on any of their open work.""")
def unallocated(data: Data, ctx: Context) -> Result:
    rows = open_rows(data, ctx)
    if rows is None:
        return percent_result(empty_rows().assign(in_numerator=False, in_denominator=False))
    children, n_children = rows.child_keys()
    keys = np.where(children >= 0, children, n_children)  # a blank child ID is one "child", as pandas would have it
    allocated = pd.notna(rows.allocation_values("allocated_worker"))
    has_worker = np.zeros(n_children + 1, dtype=bool)
    has_worker[keys[allocated]] = True
    first = np.zeros(len(keys), dtype=bool)
    first[np.unique(keys, return_index=True)[1]] = True
    return percent_result(rows.with_flags(~has_worker[keys] & first, first))

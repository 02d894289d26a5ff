"""National data from the database, as the tables the national core computes with."""

from __future__ import annotations

import pandas as pd

from goldthread.core.national.ofsted import COLUMNS as INSPECTION_COLUMNS
from goldthread.core.national.ofsted import JUDGEMENTS
from goldthread.councils.models import LocalAuthority
from goldthread.store import queries as store

from .models import Inspection, Intervention, StatisticalNeighbour


def councils_frame() -> pd.DataFrame:
    rows = LocalAuthority.objects.filter(fictional=False).values_list(
        "ons_code", "old_code", "name", "region_code", "region_name", "la_type", "active")
    frame = pd.DataFrame(list(rows), columns=["la_code", "old_la_code", "la_name", "region_code", "region_name",
                                              "la_type", "active"])
    frame["status"] = frame.pop("active").map({True: "current", False: "abolished"})
    return frame


def values_frame(indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """Every council's published figures, from the measure store."""
    return store.national_values(indicator_ids)


def aggregates_frame() -> pd.DataFrame:
    """England's and each region's published figures, from the measure store."""
    return store.national_aggregates()


def neighbours_frame() -> pd.DataFrame:
    rows = StatisticalNeighbour.objects.values_list("model", "council__ons_code", "neighbour__ons_code", "rank",
                                                    "closeness")
    frame = pd.DataFrame(list(rows), columns=["model", "la_code", "neighbour_code", "rank", "closeness"])
    frame["model"] = frame["model"].astype(int)
    return frame


def inspections_frame() -> pd.DataFrame:
    fields = ["council__ons_code", "council__old_code", "council__name", "framework", "inspection_type",
              "inspection_date", "publication_date", *JUDGEMENTS, "visit_theme", "sources", "source_note"]
    frame = pd.DataFrame(list(Inspection.objects.values_list(*fields)), columns=INSPECTION_COLUMNS)
    for column in ("inspection_date", "publication_date"):
        frame[column] = pd.to_datetime(frame[column])
    for column in (*JUDGEMENTS, "visit_theme", "source_note"):
        frame[column] = frame[column].replace("", "nan").astype(str)
    return frame


def interventions_frame() -> pd.DataFrame:
    rows = Intervention.objects.values_list("council__ons_code", "council__name", "kind", "start_date", "end_date",
                                            "notes", "source")
    frame = pd.DataFrame(list(rows), columns=["la_code", "la_name", "kind", "start_date", "end_date", "notes",
                                              "source"])
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def england_figures() -> dict[str, tuple[int, float]]:
    """England's latest published figure for each local measure that has a national counterpart:
    measure id -> (year, value). Measures sharing a twin (an Annex A measure and its CIN census or SSDA903
    counterpart, say) each get it."""
    from goldthread.core.measures import REGISTRY

    twins = {m.id: m.national for m in REGISTRY.values() if m.national}
    latest = store.england_latest(sorted(set(twins.values())))
    return {measure_id: latest[twin] for measure_id, twin in twins.items() if twin in latest}

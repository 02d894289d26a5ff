"""Published twins reach the database through `load_packaged`, and every linked measure gets England's figure."""

import math

from goldthread.core.measures import REGISTRY
from goldthread.national.actions import load_packaged
from goldthread.national.queries import aggregates_frame, england_figures, values_frame


def test_lait_figures_are_stored_and_every_twin_gets_englands_figure(db):
    load_packaged(with_risk=False)
    # LAIT's assessments within 45 working days: England 85.7 in 2025 (bds_long_0.parquet, LA Number 970).
    areas = aggregates_frame()
    england = areas[(areas["indicator_id"] == "cin_assessments_within_45wd") & (areas["geography"] == "England")]
    assert england.set_index("year").at[2025, "value"] == 85.7
    # LAIT's "-" is stored as a marker with no value, never 0: Hackney (204) 2021.
    councils = values_frame(["cin_assessments_within_45wd"])
    hackney = councils[(councils["la_code"] == "E09000012") & (councils["year"] == 2021)].iloc[0]
    assert math.isnan(hackney["value"]) and hackney["marker"] == "-"

    figures = england_figures()
    # Measures sharing a twin each get it (the last one declared used to take it from the others).
    assert figures["assessments_within_45wd"] == figures["cin_assessments_within_45wd"] == (2025, 85.7)
    assert figures["s47_per_10k"] == figures["cin_section47s_per_10k"]
    assert figures["cla_per_10k"] == figures["ssda903_cla_rate"] == (2025, 67)
    assert figures["care_leavers_eet"] == figures["care_leavers_eet_19_21"] == figures[
        "ssda903_care_leavers_eet_19_21"] == (2025, 54)
    assert set(figures) == {m.id for m in REGISTRY.values() if m.national}

"""Readers for the public national data goldthread packages, in the publishers' own formats.

The files live in goldthread/data/national/ (provenance in its README.md). Each reader returns tidy
pandas tables with snake_case columns; `load_all()` reads everything once into a `NationalData`.

* lookups: councils, code changes (`CodeMap`), statistical neighbour models (2021, 2025)
* ofsted: every inspection and visit of councils' children's services, 2009 to March 2025
* dfe: explore-education-statistics CSVs with suppression markers kept apart, ONS child population,
  MHCLG RO3 children's social care spending
* deprivation: IMD / IDACI by council (IoD2015, IoD2019, IoD2025) and the IoD2019 File 11 summaries
"""

from .bundle import NationalData, load_all
from .deprivation import read_iod2019_upper_tier, read_utla_deprivation
from .dfe import (
    MARKERS,
    ChildPopulation,
    EesTable,
    attribute_joint_returns,
    child_population,
    joint_codes,
    joint_returns,
    marker_kind,
    read_child_population,
    read_dfe_tables,
    read_ees_csv,
    read_ro3,
)
from .lookups import CodeMap, read_code_changes, read_code_map, read_councils, read_statistical_neighbours
from .ofsted import JUDGEMENTS, normalise_grade, read_inspections

__all__ = [
    "JUDGEMENTS",
    "MARKERS",
    "ChildPopulation",
    "CodeMap",
    "EesTable",
    "NationalData",
    "attribute_joint_returns",
    "child_population",
    "joint_codes",
    "joint_returns",
    "load_all",
    "marker_kind",
    "normalise_grade",
    "read_child_population",
    "read_code_changes",
    "read_code_map",
    "read_councils",
    "read_dfe_tables",
    "read_ees_csv",
    "read_inspections",
    "read_iod2019_upper_tier",
    "read_ro3",
    "read_statistical_neighbours",
    "read_utla_deprivation",
]

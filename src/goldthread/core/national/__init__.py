"""Readers for the public national data goldthread packages, in the publishers' own formats.

The files live in goldthread/data/national/ (provenance in its README.md). Each reader returns tidy
pandas tables with snake_case columns; `load_all()` reads everything once into a `NationalData`.

* lookups: councils, code changes (`CodeMap`), statistical neighbour models (2021, 2025)
* ofsted: every inspection and visit of councils' children's services, 2009 to March 2025
* dfe: explore-education-statistics CSVs with suppression markers kept apart, ONS child population,
  MHCLG RO3 children's social care spending
* deprivation: IMD / IDACI by council (IoD2015, IoD2019, IoD2025) and the IoD2019 File 11 summaries
"""

import importlib

# What each public name is read from. Imported on first use (PEP 562), so that importing one module of the
# package (the register's vocabulary, say) does not load pandas and every reader.
_SOURCES = {
    "NationalData": "bundle", "load_all": "bundle",
    "read_iod2019_upper_tier": "deprivation", "read_utla_deprivation": "deprivation",
    **{name: "dfe" for name in ("MARKERS", "ChildPopulation", "EesTable", "attribute_joint_returns",
                                "child_population", "joint_codes", "joint_returns", "marker_kind",
                                "read_child_population", "read_dfe_tables", "read_ees_csv", "read_ro3")},
    **{name: "lookups" for name in ("CodeMap", "read_code_changes", "read_code_map", "read_councils",
                                    "read_statistical_neighbours")},
    "JUDGEMENTS": "ofsted", "normalise_grade": "ofsted", "read_inspections": "ofsted",
}


def __getattr__(name: str):
    if name in _SOURCES:
        return getattr(importlib.import_module(f".{_SOURCES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

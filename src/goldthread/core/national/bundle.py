"""`load_all`: every national table, read once from one folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._util import data_folder
from .deprivation import read_iod2019_upper_tier, read_utla_deprivation
from .dfe import (
    CSWW_HEADLINE,
    CSWW_INDICATORS,
    POPULATION_CSV,
    ChildPopulation,
    EesTable,
    attribute_joint_returns,
    joint_returns,
    read_dfe_tables,
    read_ro3,
)
from .lait import LaitTable, read_lait
from .lookups import CodeMap, read_code_map, read_statistical_neighbours
from .ofsted import read_inspections


@dataclass(frozen=True)
class NationalData:
    """The national tables. `dfe` is keyed by CSV name without ".csv"; its csww_headline table has its
    joint returns attributed (see `dfe.attribute_joint_returns`). `lait` is LAIT's long file (dfe/lait/)."""

    folder: Path
    codes: CodeMap
    statistical_neighbours: pd.DataFrame
    inspections: pd.DataFrame
    dfe: dict[str, EesTable]
    child_population: ChildPopulation
    ro3: pd.DataFrame
    deprivation: pd.DataFrame
    iod2019_upper_tier: pd.DataFrame
    lait: LaitTable

    @property
    def councils(self) -> pd.DataFrame:
        return self.codes.councils

    @property
    def code_changes(self) -> pd.DataFrame:
        return self.codes.code_changes


def load_all(folder: str | Path | None = None) -> NationalData:
    """Read everything from `folder` (default: the packaged goldthread/data/national)."""
    base = data_folder(folder)
    codes = read_code_map(base)
    dfe = read_dfe_tables(base)
    dfe[CSWW_HEADLINE] = attribute_joint_returns(dfe[CSWW_HEADLINE], joint_returns(dfe[CSWW_INDICATORS]))
    return NationalData(
        folder=base,
        codes=codes,
        statistical_neighbours=read_statistical_neighbours(base, codes),
        inspections=read_inspections(base, codes),
        dfe=dfe,
        child_population=ChildPopulation(dfe[Path(POPULATION_CSV).stem], codes),
        ro3=read_ro3(base, code_map=codes),
        deprivation=read_utla_deprivation(base),
        iod2019_upper_tier=read_iod2019_upper_tier(base),
        lait=read_lait(base),
    )

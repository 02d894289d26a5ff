"""Every Annex A measure and breakdown dimension declares the columns it reads, and reads no other.

Checked by running each one on a synthetic extract whose tables hold only the declared columns (it must give
exactly what it gives on the whole tables: an undeclared column read would be missing, or would change the
rows behind the number), and on tables missing one declared column at a time (it must fail: the column is
really read).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from goldthread.core.annexa import spec as S
from goldthread.core.annexa.synth import SynthConfig, generate
from goldthread.core.annexa.tables import Tables
from goldthread.core.measures import ANNEX_A, REGISTRY, Context, ids_from
from goldthread.core.measures.derived import view
from goldthread.core.measures.dimensions import DIMENSIONS

AS_AT = dt.date(2025, 5, 15)
ROW_COLUMNS = ("child_id", "allocated_team", "allocated_worker")  # read for the rows behind every number
CTX = Context(as_at=AS_AT, child_population=9_000, populations={"age_band": {"17 to 18": 900, "19 to 21": 1_300}})


class Only:
    """The tables of ``data`` holding only the given columns (and the row number) of each list."""

    def __init__(self, data: Tables, columns: dict[int, tuple[str, ...]]):
        self.tables = {n: data.table(n)[["row_number", *(c for c in columns.get(n, ()))]].copy() for n in data.tables}

    def table(self, number: int) -> pd.DataFrame:
        return self.tables[number]


@pytest.fixture(scope="module")
def data() -> Tables:
    return Tables(generate(SynthConfig(size="small", profile="struggling", seed=3), AS_AT))


def _same(a, b) -> bool:
    return a == b or (a is None and b is None) or (isinstance(a, float) and isinstance(b, float) and np.isnan(a)
                                                    and np.isnan(b))


@pytest.mark.parametrize("measure_id", ids_from(ANNEX_A))
def test_declared_columns_exist_in_the_annex_a_spec(measure_id):
    m = REGISTRY[measure_id]
    assert set(m.columns) == set(m.lists), "columns declared for every list the measure reads, and no other"
    for number, columns in m.columns.items():
        names = S.BY_NUMBER[number].names
        assert set(columns) <= set(names), (number, set(columns) - set(names))
        assert "child_id" in columns
        assert ("allocated_worker" in columns) == ("allocated_worker" in names)


@pytest.mark.parametrize("measure_id", ids_from(ANNEX_A))
def test_a_measure_reads_only_its_declared_columns(data, measure_id):
    m = REGISTRY[measure_id]
    full = m.compute(data, CTX)
    only = m.compute(Only(data, dict(m.columns)), CTX)
    assert _same(only.value, full.value) and only.numerator == full.numerator and only.denominator == full.denominator
    pd.testing.assert_frame_equal(only.rows, full.rows)
    assert set(only.breakdowns) == set(full.breakdowns)
    for dimension, frame in full.breakdowns.items():
        pd.testing.assert_frame_equal(only.breakdowns[dimension], frame)


@pytest.mark.parametrize("measure_id", ids_from(ANNEX_A))
def test_each_declared_column_is_read(data, measure_id):
    m = REGISTRY[measure_id]
    for number, columns in m.columns.items():
        for column in columns:
            if column in ROW_COLUMNS:
                continue
            fewer = {n: tuple(c for c in cols if not (n == number and c == column)) for n, cols in m.columns.items()}
            with pytest.raises(KeyError):
                result = m.compute(Only(data, fewer), CTX)
                result.rows  # noqa: B018  (the rows are built when read)
            # (a KeyError means the column was looked up: it is read, so declaring it is right)


@pytest.mark.parametrize("dimension_id", [d for d, dim in DIMENSIONS.items() if dim.allocation is None])
def test_a_dimension_reads_only_its_declared_columns_and_each_of_them(data, dimension_id):
    dim = DIMENSIONS[dimension_id]
    for number in dim.lists:
        declared = dim.reads[number]
        codes, labels = dim.codes(view(data, number), CTX)
        only = Only(data, {number: declared})
        got_codes, got_labels = dim.codes(view(only, number), CTX)
        assert got_labels == labels and np.array_equal(got_codes, codes), number
        for column in declared:
            fewer = Only(data, {number: tuple(c for c in declared if c != column)})
            with pytest.raises(KeyError):
                dim.codes(view(fewer, number), CTX)

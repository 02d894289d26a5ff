"""The children in need (CIN) census: reading the XML councils submit to the DfE, its DfE validation rules, and
a synthetic return for tests and benchmarks. Its measures are in goldthread.core.measures.cin_census.

    census = read_cin_census_safely(path)   # in the limited reading process; UnreadableFile: one sentence
    issues = census.issues + validate(census)
    results = compute(census, context_for(census, child_population))

Plain Python, no Django."""

from .reader import CINCensus, read_cin_census
from .rules import RULES, validate
from .transfer import read_cin_census_safely

__all__ = ["RULES", "CINCensus", "read_cin_census", "read_cin_census_safely", "validate"]

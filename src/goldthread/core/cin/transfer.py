"""Reading a CIN census file in the limited reading process (goldthread.core.untrusted) and getting the result
back: ``read_parts`` runs in the child and returns the tables and issues as plain data; ``from_parts`` turns
them back into a ``CINCensus``; ``read_cin_census_safely`` does both."""

from __future__ import annotations

from pathlib import Path

from ..untrusted import Limits, Parts, Progress, Reading

KIND = "cin_census"
MAX_MB_VARIABLE = "GOLDTHREAD_XML_MAX_MB"  # the largest XML file read, in MB (512 unless set)


def read_parts(path: Path, *, display_name: str | None = None, progress: Progress | None = None,
               max_bytes: int | None = None) -> Parts:
    """The child's side: read the file and return its tables, issues and how it gave the child's sex."""
    from .reader import read_cin_census

    census = read_cin_census(path, display_name=display_name, progress=progress, max_bytes=max_bytes)
    meta = {"name": census.name, "sex_element": census.sex_element, "issues": [i.as_dict() for i in census.issues]}
    return Parts(meta, dict(census.tables))


def from_parts(parts: Parts):
    from ..returns import Issue
    from .reader import CINCensus

    meta = parts.meta
    return CINCensus(dict(parts.frames), [Issue(**i) for i in meta["issues"]], meta["name"], meta["sex_element"])


def read_cin_census_safely(path: str | Path, *, display_name: str | None = None, progress: Progress | None = None,
                           limits: Limits | None = None, max_bytes: int | None = None):
    """``read_cin_census`` in a separate process limited in memory and time: the same result, or
    ``UnreadableFile`` with one sentence whatever the file does to the reading process. Files larger than
    ``max_bytes`` (by default GOLDTHREAD_XML_MAX_MB megabytes, or 512 MB) are refused before reading."""
    from ..returns import DEFAULT_MAX_XML_BYTES, limit_from_environment

    # The limit is decided here: the reading process gets no environment to read it from.
    options = {"max_bytes": max_bytes or limit_from_environment(MAX_MB_VARIABLE, DEFAULT_MAX_XML_BYTES)}
    reading = Reading(KIND, path, options=options, display_name=display_name, progress=progress, limits=limits)
    return from_parts(reading.result())

"""Pausing Python's cyclic garbage collector around bulk work.

Reading a workbook or simulating a council creates hundreds of thousands of small container objects
that hold no reference cycles; the collector would rescan all of them again and again while they are
built, for nothing (it more than doubles the time to read a large Annex A). Reference counting still
frees everything as usual while the collector is paused.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

"""The measure store: every number goldthread shows, in one place.

A ``Figure`` is one value of one measure for one area on one date: an Annex A measure for a council's extract,
a case-audit measure for a council at a month's end (or today), a published national indicator for a council,
a region or England in a year — and, as the other statutory returns arrive, their measures too. Its
``FigureCell``s are the same value split by a dimension (allocated team, worker, age band by gender, ethnicity...).
Imports, audit changes and national loads write figures through ``goldthread.store.actions``; pages, packs, the
plan, targets and the command line read them through ``goldthread.store.queries``, one way whatever the source:
a series, the latest value, a breakdown. The rows behind a number are recomputed from what the figure was
computed from (``queries.rows_behind``)."""

"""Moving to the one measure store keeps every value goldthread held: a database holding the demo's data in the
old tables (extract measure values and their team and worker breakdowns, case-audit measures, published national
figures) has all of it in the store after the migration, value for value."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from goldthread.extracts.management.commands import demo
from goldthread.national.actions import load_packaged
from goldthread.store.models import Figure, FigureCell

BEFORE_THE_STORE = [("store", None), ("extracts", "0003_withdrawal_and_checked_uploads"), ("audits", "0001_initial"),
                    ("national", "0005_risk_timing_and_watchlist")]
OLD_DIMENSIONS = ("team", "worker")  # the old breakdown table kept these splits only


def figures() -> set[tuple]:
    """Every figure as it matters to a reader. Not when goldthread first held it: an extract's figures are known
    from their extract's upload (the extract decides), a case-audit figure from when it is next recomputed, a
    published one from when the national data was loaded."""
    return {(f.council_id, f.area, f.level, f.measure_id, f.source, f.as_at, f.year, f.extract_id,
             f.value, f.numerator, f.denominator, f.marker, f.derived, f.note)
            for f in Figure.objects.all()}


def cells() -> set[tuple]:
    return {(c.figure.extract_id, c.figure.measure_id, c.dimension, c.group, c.value, c.numerator, c.denominator)
            for c in FigureCell.objects.filter(dimension__in=OLD_DIMENSIONS).select_related("figure")}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_move_to_the_store_keeps_every_stored_value(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(demo, "DEMO_COUNCILS", tuple((code, {**config, "size": "small"})
                                                     for code, config in demo.DEMO_COUNCILS))
    monkeypatch.setattr(demo, "load_packaged", lambda: load_packaged(with_risk=False))
    call_command("demo", "--no-serve", "--months", "2")
    held, split = figures(), cells()
    sources = {f[4] for f in held}
    assert {"Annex A", "Case audits", "National"} <= sources and len(split) > 1000

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        # Back to before the store: the demo's data is in the old tables, and only there.
        executor = migrate(BEFORE_THE_STORE)
        old = executor.loader.project_state([node for node in BEFORE_THE_STORE if node[1]]).apps
        counted = {model: old.get_model(*model.split(".")).objects.count()
                   for model in ("extracts.MeasureValue", "extracts.MeasureBreakdown", "audits.AuditMeasureValue",
                                 "national.IndicatorValue", "national.AggregateValue")}
        assert counted["extracts.MeasureValue"] == sum(1 for f in held if f[7] is not None)
        assert counted["extracts.MeasureBreakdown"] == len(split)
        assert counted["audits.AuditMeasureValue"] == sum(1 for f in held if f[4] == "Case audits") > 0
        assert counted["national.IndicatorValue"] == sum(1 for f in held if f[4] == "National" and f[0]) > 30_000
        assert counted["national.AggregateValue"] == sum(1 for f in held if f[4] == "National" and not f[0]) > 0
        assert "store_figure" not in connection.introspection.table_names()

        # Forward again: every value is in the store as it was.
        migrate(leaves)
        assert figures() == held
        assert cells() == split
    finally:
        migrate(leaves)

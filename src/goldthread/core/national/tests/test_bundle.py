"""load_all and the packaged files' provenance."""

import hashlib

from goldthread.core.national import load_all


def test_load_all_from_an_explicit_folder(national):
    again = load_all(national.folder)
    assert again.inspections.equals(national.inspections)
    assert set(again.dfe) == set(national.dfe) and len(national.dfe) == 15
    assert again.lait.data.equals(national.lait.data) and len(national.lait.data) == 641_070


def test_every_packaged_file_has_provenance_and_is_unchanged(national):
    """Each file has a row in the README, whose checksum it still matches (the copies are unchanged)."""
    readme = (national.folder / "README.md").read_text(encoding="utf-8")
    rows = {cells[0]: cells[-1] for line in readme.splitlines() if line.startswith("| ")
            for cells in [[c.strip() for c in line.strip("|").split("|")]]}
    files = [p for p in national.folder.rglob("*") if p.is_file() and p.name != "README.md"]
    assert len(files) == 28  # LAIT's dataset and dictionary (dfe/lait/) among them
    for path in files:
        assert path.name in rows, path.name
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] == rows[path.name], path.name

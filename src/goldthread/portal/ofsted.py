"""A stored extract written back out in Ofsted's Annex A template, as a file to download: the extract page and the
Ofsted monitoring visit pack make it here, through goldthread.downloads (no cell is ever a formula), with the
layout and values of goldthread.core.annexa.template. It holds every child's records: whoever serves it checks
the person may see every child and logs the export (goldthread.portal.extract_views)."""

from __future__ import annotations

import io

from goldthread import downloads
from goldthread.core.annexa.template import write_annex_a
from goldthread.extracts.models import Extract
from goldthread.extracts.queries import StoredAnnexA


def annex_a_workbook(extract: Extract) -> bytes:
    """The extract's eleven lists in Ofsted's template, as .xlsx bytes."""
    buffer = io.BytesIO()
    book = downloads.xlsx_workbook(buffer)
    write_annex_a(book, StoredAnnexA(extract))
    book.close()
    return buffer.getvalue()


def annex_a_filename(extract: Extract) -> str:
    return f"{extract.council.name} Annex A as at {extract.extract_date:%Y-%m-%d}.xlsx"

"""A pack (goldthread.core.packs.document.Pack) as a PDF, a Word document or a workbook: three renderers of the one
document, so the three cannot say different things.

- ``pdf(pack)``: WeasyPrint from ``packs/document.html``, tagged (PDF/UA-1), a bookmark per section, page numbers,
  "OFFICIAL-SENSITIVE" on every page of a pack holding children's records or named workers, Liberation Sans,
  and nothing fetched: charts and the logo are inlined as data: URLs and the fetcher refuses anything else.
- ``docx(pack)``: python-docx with Word's own heading styles and real tables, so a council can edit and brand it.
- ``xlsx(pack)``: goldthread.downloads.xlsx_workbook (no cell ever a formula, link or number made from text), an
  "About" sheet, a "Key figures" sheet, then one sheet per table: numbers as numbers, dates as dates.

Charts are the pages' own Vega-Lite specs, rendered for print by ``chart_svg`` / ``chart_png`` (the one place
that turns a spec into an image here).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import json

from django.template.loader import render_to_string

from goldthread.core.packs.document import (
    Bullets,
    ChartBlock,
    KeyFigures,
    Pack,
    PageBreak,
    Paragraph,
    Subheading,
    Table,
    long_date,
    sheet_names,
)
from goldthread.downloads import DOCX, PDF, XLSX, put, safe_filename, xlsx_workbook

PDF_VARIANT = "pdf/ua-1"
FONT = "Liberation Sans"
DOCX_FONT = "Arial"  # Word's own; Liberation Sans has the same metrics where Arial is missing
CHART_WIDTH_CM = 16


# --------------------------------------------------------------------------- charts for print


@functools.lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(spec_json))


@functools.lru_cache(maxsize=256)
def _png(spec_json: str) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(json.loads(spec_json), scale=2)


def _key(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, default=str)


def chart_svg(block: ChartBlock) -> str:
    """The chart as an SVG file for the PDF: the page's chart drawn for files (goldthread.charts
    ``Chart.svg_document``), or vl-convert on its spec for a chart that cannot."""
    if hasattr(block.chart, "svg_document"):
        return block.chart.svg_document()
    return _svg(_key(block.spec))


def chart_png(block: ChartBlock) -> bytes:
    """The chart as PNG for Word, at twice its size so that it prints sharply (``Chart.png``, or vl-convert on
    its spec)."""
    if hasattr(block.chart, "png"):
        return block.chart.png(scale=2)
    return _png(_key(block.spec))


def file_name(pack: Pack, fmt: str, kind_title: str) -> str:
    """E.g. "Improvement board pack - Northby - as at 10 May 2021.pdf"."""
    name = f"{kind_title} - {pack.title_page.council} - as at {long_date(pack.title_page.as_at)}".replace("'", "")
    return safe_filename(f"{name}.{fmt}")


# --------------------------------------------------------------------------- PDF


def _offline_fetcher():
    """A WeasyPrint URL fetcher that reads data: URLs only: rendering never touches the network or the disk."""
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.strip().lower().startswith("data:"):
                raise ValueError(f"goldthread packs fetch nothing; refused {url[:80]!r}")
            return super().fetch(url, headers)

    return DataOnly(allowed_protocols={"data"}, allow_redirects=False)


def _data_url(media: str, body: bytes) -> str:
    return f"data:{media};base64,{base64.b64encode(body).decode('ascii')}"


def _html_blocks(blocks) -> list[dict]:
    shown = []
    for block in blocks:
        if isinstance(block, Paragraph):
            shown.append({"type": "paragraph", "b": block})
        elif isinstance(block, Bullets):
            shown.append({"type": "bullets", "b": block})
        elif isinstance(block, Subheading):
            shown.append({"type": "subheading", "b": block})
        elif isinstance(block, KeyFigures):
            shown.append({"type": "figures", "b": block})
        elif isinstance(block, Table):
            shown.append({"type": "table", "b": block})
        elif isinstance(block, ChartBlock):
            shown.append({"type": "chart", "b": block,
                          "src": _data_url("image/svg+xml", chart_svg(block).encode("utf-8"))})
        elif isinstance(block, PageBreak):
            shown.append({"type": "break"})
    return shown


def html(pack: Pack) -> str:
    title = pack.title_page
    return render_to_string("packs/document.html", {
        "pack": pack, "t": title, "marking": pack.marking,
        "logo": _data_url("image/png", title.logo_png) if title.logo_png else None,
        "sections": [{"s": s, "id": f"section-{n}", "blocks": _html_blocks(s.blocks)}
                     for n, s in enumerate(pack.sections, start=1)]})


def css(pack: Pack) -> str:
    """The PDF's style sheet (packs/document.css): A4, the marking and page numbers in the margins."""
    return render_to_string("packs/document.css", {"marking": bool(pack.marking), "font": FONT})


def pdf(pack: Pack) -> bytes:
    import weasyprint  # here: it loads Pango, which only the PDF needs

    fetcher = _offline_fetcher()
    document = weasyprint.HTML(string=html(pack), base_url=None, url_fetcher=fetcher)
    style = weasyprint.CSS(string=css(pack), base_url=None, url_fetcher=fetcher)
    options = {}
    try:
        from weasyprint.pdf import VARIANTS
    except ImportError:  # pragma: no cover - an older or reorganised WeasyPrint
        VARIANTS = {}  # noqa: N806
    if PDF_VARIANT in VARIANTS:
        options["pdf_variant"] = PDF_VARIANT
    else:  # pragma: no cover
        options["pdf_tags"] = True
    return document.write_pdf(stylesheets=[style], **options)


# --------------------------------------------------------------------------- Word


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _page_number(paragraph) -> None:
    """'Page N of M' as Word fields, so Word keeps them right after a council edits the document."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field(code: str) -> None:
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), code)
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        simple.append(run)
        paragraph._p.append(simple)

    paragraph.add_run("Page ")
    field("PAGE")
    paragraph.add_run(" of ")
    field("NUMPAGES")


def _docx_table(doc, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph(table.caption, style="Caption")
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    _repeat_header(grid.rows[0])
    for row in table.rows:
        cells = grid.add_row().cells
        for n, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = value.text
            if n == 0 and table.row_headers:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            elif isinstance(value.value, int | float) and not isinstance(value.value, bool):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def docx(pack: Pack) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    title = pack.title_page
    doc = Document()
    doc.core_properties.title = title.title
    doc.core_properties.author = title.council
    doc.core_properties.subject = pack.marking or title.subtitle
    doc.core_properties.language = "en-GB"
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = DOCX_FONT, Pt(11)
    for section in doc.sections:
        section.header.paragraphs[0].text = pack.marking.split(":")[0] if pack.marking else title.council
        footer = section.footer.paragraphs[0]
        footer.text = f"{title.title} – {pack.marking}   " if pack.marking else f"{title.title}   "
        _page_number(footer)

    # The title page
    if pack.marking:
        doc.add_paragraph().add_run(pack.marking).bold = True
    if title.logo_png:
        doc.add_picture(io.BytesIO(title.logo_png), width=Cm(5))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.LEFT
        _alt_text(doc, f"{title.council} logo")
    doc.add_paragraph(title.title, style="Title")
    doc.add_paragraph(title.council, style="Subtitle")
    doc.add_paragraph(title.subtitle)
    if title.contact:
        doc.add_paragraph(f"Contact: {title.contact}")
    doc.add_paragraph(title.produced)
    doc.add_paragraph("Contents", style="Heading 1")
    for section in pack.sections:
        doc.add_paragraph(section.heading, style="List Number")
    for section in pack.sections:
        doc.add_page_break()
        doc.add_heading(section.heading, level=1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                paragraph = doc.add_paragraph(block.text)
                if block.kind == "lead":
                    paragraph.runs[0].font.size = Pt(13)
                elif block.kind == "warning":
                    paragraph.runs[0].bold = True
                elif block.kind == "note":
                    paragraph.runs[0].font.size = Pt(10)
            elif isinstance(block, Bullets):
                for item in block.items:
                    doc.add_paragraph(item, style="List Bullet")
            elif isinstance(block, Subheading):
                doc.add_heading(block.text, level=2)
            elif isinstance(block, KeyFigures):
                _docx_table(doc, Table(block.caption, ("Figure", "Value"),
                                       tuple((_text_cell(f.label), f.value) for f in block.figures)))
            elif isinstance(block, Table):
                _docx_table(doc, block)
            elif isinstance(block, ChartBlock):
                doc.add_picture(io.BytesIO(chart_png(block)), width=Cm(CHART_WIDTH_CM))
                _alt_text(doc, block.caption)
                doc.add_paragraph(block.caption, style="Caption")
                _docx_table(doc, block.table)
            elif isinstance(block, PageBreak):
                doc.add_page_break()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _text_cell(value: str):
    from goldthread.core.packs.document import Cell

    return Cell(value, value)


def _alt_text(doc, text: str) -> None:
    """The last picture's alternative text (what a screen reader says for it)."""
    from docx.oxml.ns import qn

    found = doc.element.body.findall(".//" + qn("wp:docPr"))
    if found:
        found[-1].set("descr", text)


# --------------------------------------------------------------------------- Excel

NUMBER_FORMATS = {"percent": '0.0"%"', "count": "#,##0", "rate per 10,000": "#,##0.0", "days": "#,##0",
                  "number": "#,##0.0"}


def xlsx(pack: Pack) -> bytes:
    title = pack.title_page
    out = io.BytesIO()
    book = xlsx_workbook(out)
    book.set_properties({"title": title.title, "subject": pack.marking or title.subtitle, "company": title.council,
                         "comments": pack.marking or "Produced by goldthread"})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F3F2F1", "bottom": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "valign": "top"})
    big = book.add_format({"bold": True, "font_size": 14})
    day = book.add_format({"num_format": "d mmm yyyy", "valign": "top"})
    numbers = {unit: book.add_format({"num_format": fmt, "valign": "top"}) for unit, fmt in NUMBER_FORMATS.items()}
    plain_number = book.add_format({"num_format": "General", "valign": "top"})

    def mark(sheet) -> None:
        if pack.marking:
            sheet.set_header('&R&"Arial,Bold"OFFICIAL-SENSITIVE')
            sheet.set_footer('&L&"Arial,Bold"OFFICIAL-SENSITIVE&RPage &P of &N')

    def cell_format(cell):
        if isinstance(cell.value, dt.date):
            return day
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
            return numbers.get(cell.unit, plain_number)
        return wrap

    tables = pack.tables()
    figures = pack.key_figures()
    names = sheet_names(["About", "Key figures"] + [t.sheet or t.caption for _, t in tables])
    about = book.add_worksheet(names[0])
    mark(about)
    about.set_column(0, 0, 26)
    about.set_column(1, 1, 100, wrap)
    row = 0
    if pack.marking:
        about.write_string(row, 0, pack.marking, big)
        row += 2
    for label, value in (("Pack", title.title), ("Council", title.council), ("As at", title.as_at),
                         ("", title.subtitle), ("Contact", title.contact), ("Produced", title.produced)):
        if value in ("", None):
            continue
        put(about, row, 0, label, bold)
        put(about, row, 1, value, day if isinstance(value, dt.date) else wrap)
        row += 1
    row += 1
    put(about, row, 0, "Sections", bold)
    for section in pack.sections:
        put(about, row, 1, section.heading, wrap)
        row += 1
    row += 1
    put(about, row, 0, "Sheets", bold)
    put(about, row, 1, "Key figures: the headline figures of each section. Then one sheet per table in the pack, "
                       "a chart's data table included: numbers are numbers and dates are dates.", wrap)
    for (section, table), name in zip(tables, names[2:], strict=True):
        row += 1
        put(about, row, 1, f"{name}: {table.caption} ({section.heading})", wrap)

    sheet = book.add_worksheet(names[1])
    mark(sheet)
    for col, (label, width) in enumerate((("Section", 30), ("Figures", 36), ("Figure", 48), ("Value", 14),
                                         ("Note", 40))):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, label, header)
    r = 1
    for section, block in figures:
        for figure in block.figures:
            for col, value in enumerate((section.heading, block.caption, figure.label)):
                put(sheet, r, col, value, wrap)
            put(sheet, r, 3, figure.value.value, cell_format(figure.value))
            put(sheet, r, 4, figure.note, wrap)
            r += 1
    sheet.freeze_panes(1, 0)

    for (_, table), name in zip(tables, names[2:], strict=True):
        sheet = book.add_worksheet(name)
        mark(sheet)
        sheet.write_string(0, 0, table.caption, bold)
        for col, label in enumerate(table.headers):
            sheet.write_string(1, col, label, header)
            sheet.set_column(col, col, 40 if col == 0 else 16)
        for r, cells in enumerate(table.rows, start=2):
            for col, cell in enumerate(cells):
                put(sheet, r, col, cell.value, cell_format(cell))
        sheet.freeze_panes(2, 1 if table.row_headers else 0)
        if table.rows:
            sheet.autofilter(1, 0, 1 + len(table.rows), len(table.headers) - 1)
    book.close()
    return out.getvalue()


RENDERERS = {"pdf": pdf, "docx": docx, "xlsx": xlsx}
CONTENT_TYPES = {"pdf": PDF, "docx": DOCX, "xlsx": XLSX}

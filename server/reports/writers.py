"""Report writers: XLSX (openpyxl; cover sheet, one sheet per table), CSV (UTF-8 with BOM) and a text table for the terminal."""
from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

from server.reports.tables import CLOCK, COUNT, MINUTES, SHARE, TEXT, Column, Report

KIND_TITLES = {"summary": ("综合统计", "Summary"), "services": ("服务事项统计", "Services"),
               "windows": ("窗口统计", "Windows"), "clerks": ("坐席考核", "Clerks"), "hours": ("时段统计", "Hours"),
               "ratings": ("好差评统计", "Ratings"), "attendance": ("签到签退考勤", "Attendance"),
               "followups": ("差评回访整改", "Bad-rating follow-up")}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {COUNT: "#,##0", MINUTES: "0.0", SHARE: "0.0%", TEXT: "@", CLOCK: "@"}


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet or terminal: CJK (wide and full-width) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell_text(col: Column, value: Any) -> str:
    if value is None:
        return ""
    if col.fmt == MINUTES:
        return f"{value:.1f}"
    if col.fmt == SHARE:
        return f"{value * 100:.1f}%"
    if col.fmt == COUNT and isinstance(value, (int, float)):
        return f"{value:,.0f}" if isinstance(value, float) else str(value)
    return str(value)


def title(report: Report) -> str:
    zh, en = KIND_TITLES[report.kind]
    return en if report.lang == "en" else zh


def period(report: Report) -> str:
    if report.lang == "en":
        return f"{report.start.isoformat()} to {report.end.isoformat()}"
    return f"{report.start.isoformat()} 至 {report.end.isoformat()}"


def filename(report: Report, ext: str) -> str:
    return f"hallq-{report.kind}{'-' + report.cut if report.cut else ''}-{report.start}-{report.end}.{ext}"


# ---------------------------------------------------------------- XLSX


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31]
    out, i = clean, 2
    while out in taken:
        out = f"{clean[:28]}({i})"
        i += 1
    taken.add(out)
    return out


COVER_WIDTH = 64  # characters: the cover's one column, as wide as an A4 portrait page prints legibly


def write_xlsx(report: Report) -> bytes:
    """A workbook a manager opens in Excel, WPS or LibreOffice: a cover sheet, then one sheet per table with a
    frozen header row, number formats, a bold totals row and column widths fitted to the text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    en = report.lang == "en"
    font = "Arial" if en else "等线"  # Excel's own CJK UI font; LibreOffice and WPS substitute a CJK font
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover" if en else "封面"
    taken = {cover.title}
    bold = Font(name=font, bold=True)
    plain = Font(name=font)
    lines = [(report.hall(), Font(name=font, bold=True, size=16)), (title(report), Font(name=font, bold=True, size=13)),
             ("", plain),
             (("Period: " if en else "统计期间：") + period(report), plain),
             (("Made at: " if en else "制表时间：") + report.made_at.strftime("%Y-%m-%d %H:%M"), plain),
             (("Sheets: " if en else "工作表：") + ", ".join(t.title(report.lang) for t in report.tables), plain),
             ("", plain)]
    if report.notes:
        lines.append(("Definitions" if en else "口径说明", bold))
        lines += [(en_text if en else zh, plain) for zh, en_text in report.notes]
    width = min(COVER_WIDTH, max(display_width(t) for t, _ in lines) + 4)
    for i, (text, f) in enumerate(lines, start=1):
        cell = cover.cell(row=i, column=1, value=text)
        cell.font = f
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Row heights written out: spreadsheets do not grow a row for a wrapped line or a large font on their
        # own (LibreOffice drew the title over the next line and cut the definitions at the page edge).
        size = f.sz or 11
        lines_needed = max(1, -(-int(display_width(text) * size / 11) // int(width)))
        cover.row_dimensions[i].height = lines_needed * size * 1.45
    cover.column_dimensions["A"].width = width
    _page(cover, landscape=False)

    head_fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="999999")
    for table in report.tables:
        ws = wb.create_sheet(_sheet_name(table.title(report.lang), taken))
        cols = table.columns
        # Long headers go on two lines, so that a label does not make a column of short numbers wide.
        heads = [_two_lines(c.label(report.lang)) for c in cols]
        widths = [max(display_width(part) for part in h.split("\n")) for h in heads]
        for j, col in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=j, value=heads[j - 1])
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(bottom=thin)
        ws.row_dimensions[1].height = 30
        body = list(table.rows)
        if table.total is not None:
            body.append(table.total)
        for i, row in enumerate(body, start=2):
            is_total = table.total is not None and i == len(body) + 1
            for j, col in enumerate(cols, start=1):
                value = row.get(col.key)
                cell = ws.cell(row=i, column=j, value=value)
                cell.number_format = NUMBER_FORMATS[col.fmt]
                cell.font = bold if is_total else plain
                if is_total:
                    cell.border = Border(top=thin)
                widths[j - 1] = max(widths[j - 1], display_width(cell_text(col, value)))
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = min(60, w + 3)
        ws.freeze_panes = "B2" if cols and cols[0].fmt == TEXT else "A2"
        ws.print_title_rows = "1:1"  # the header on every printed page
        _page(ws, landscape=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _two_lines(label: str) -> str:
    """A header broken where a reader expects it: before its unit ("平均等候\n(分)"), or at the middle space
    of a long English label. A break chosen by the spreadsheet could leave a lone ")" on the second line."""
    if "(" in label and not label.startswith("("):
        i = label.index("(")
        return label[:i].rstrip() + "\n" + label[i:]
    if " " in label and display_width(label) > 12:
        words = label.split(" ")
        best = min(range(1, len(words)), key=lambda i: max(display_width(" ".join(words[:i])),
                                                           display_width(" ".join(words[i:]))))
        return " ".join(words[:best]) + "\n" + " ".join(words[best:])
    return label


def _page(ws, *, landscape: bool) -> None:
    """Printed (or exported to PDF) as a manager reads it: A4, as wide as the page, as many pages down as needed."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4


# ---------------------------------------------------------------- CSV and text


def write_csv(report: Report) -> bytes:
    """UTF-8 with a BOM (Excel then reads the Chinese). Several tables follow each other, each under its title
    line and separated by an empty line; numbers stay plain (minutes to 0.1, shares as 0.123)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    many = len(report.tables) > 1
    for n, table in enumerate(report.tables):
        if many:
            if n:
                w.writerow([])
            w.writerow([table.title(report.lang)])
        w.writerow([c.label(report.lang) for c in table.columns])
        for row in table.rows + ([table.total] if table.total is not None else []):
            w.writerow([_csv_value(c, row.get(c.key)) for c in table.columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _csv_value(col: Column, value: Any) -> Any:
    if value is None:
        return ""
    if col.fmt == MINUTES:
        return f"{value:.1f}"
    if col.fmt == SHARE:
        return f"{value:.4f}"
    return value


def write_text(report: Report) -> str:
    """Aligned columns for a terminal (CJK counted double), one block per table."""
    out = [f"{report.hall()} · {title(report)} · {period(report)}"]
    for table in report.tables:
        rows = [[c.label(report.lang) for c in table.columns]]
        rows += [[cell_text(c, r.get(c.key)) for c in table.columns]
                 for r in table.rows + ([table.total] if table.total is not None else [])]
        widths = [max(display_width(r[i]) for r in rows) for i in range(len(table.columns))]
        out += ["", table.title(report.lang)]
        for k, r in enumerate(rows):
            cells = []
            for i, (text, width) in enumerate(zip(r, widths)):
                pad = " " * (width - display_width(text))
                cells.append(text + pad if table.columns[i].fmt in (TEXT, CLOCK) else pad + text)
            out.append("  ".join(cells).rstrip())
            if k == 0:
                out.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
    return "\n".join(out) + "\n"


def render(report: Report, fmt: str) -> tuple[bytes, str]:
    """The report as a file: (bytes, content type)."""
    if fmt == "xlsx":
        return write_xlsx(report), XLSX_TYPE
    if fmt == "csv":
        return write_csv(report), "text/csv; charset=utf-8"
    raise ValueError(fmt)



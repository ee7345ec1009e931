"""Exports as a manager opens them: the XLSX read back with openpyxl, the CSV's BOM, `hallq report`, and the
workbook rendered by headless LibreOffice (Chinese text, one page wide)."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from hallq.cli import main
from server.reports.build import build_report
from server.reports.writers import display_width, write_csv, write_xlsx
from tests.reports.conftest import source_for
from tests.reports.week import HALL, WEEK

START, END = WEEK[0], WEEK[-1]


@pytest.fixture
def summary(week_copy, hall, evening):
    return build_report(source_for(week_copy, hall, read_only=True), hall, "summary", START, END, now=evening)


def test_the_workbook_has_a_cover_and_one_sheet_per_cut(summary) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(write_xlsx(summary)))
    assert wb.sheetnames == ["封面", "总计", "按日期", "按服务事项", "按窗口", "按坐席", "按取号类别", "按时段", "按星期"]
    cover = [c.value for c in wb["封面"]["A"] if c.value]
    assert cover[:2] == ["统计测试大厅", "综合统计"]
    assert "统计期间：2026-11-16 至 2026-11-20" in cover and any(v.startswith("制表时间：2026-11-20 19:00") for v in cover)
    assert any("办结率 = 办结 ÷（办理数 − 咨询）" in v for v in cover)


def test_each_sheet_has_a_frozen_chinese_header_formats_a_totals_row_and_fitted_widths(summary) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(write_xlsx(summary)))
    for table in summary.tables:
        ws = wb[table.zh]
        header = [c.value for c in ws[1]]
        assert [h.replace("\n", "") for h in header] == [c.zh for c in table.columns]
        assert "平均等候\n(分)" in header or table.key.startswith(("low", "attendance"))  # broken before the unit
        assert ws.freeze_panes in ("A2", "B2") and ws[1][0].font.b
        last = ws.max_row
        assert last == len(table.rows) + 2, table.key  # header, rows, totals
        assert ws.cell(row=last, column=1).value == "合计" and ws.cell(row=last, column=1).font.b
        for j, col in enumerate(table.columns, start=1):
            cell = ws.cell(row=last, column=j)
            want = table.total.get(col.key)
            if isinstance(want, float):
                assert cell.value == pytest.approx(want, rel=1e-12), (table.key, col.key)
            assert cell.number_format == {"minutes": "0.0", "share": "0.0%", "count": "#,##0",
                                          "text": "@", "clock": "@"}[col.fmt]
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
            lines = ws.cell(row=1, column=j).value.split("\n")
            assert width >= max(display_width(part) for part in lines), (table.key, col.zh)  # CJK counted double
            for i in range(2, last + 1):  # every figure fits its column
                value = ws.cell(row=i, column=j).value
                if isinstance(value, str):
                    assert width >= display_width(value), (table.key, col.zh, value)


def test_display_width_counts_cjk_double() -> None:
    assert (display_width("办结率"), display_width("p90"), display_width("合计（全）")) == (6, 3, 10)


def test_the_csv_is_utf8_with_a_bom_and_a_table_per_section(summary) -> None:
    raw = write_csv(summary)
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "总计" and lines[1].startswith("范围,取号数,叫号数")
    assert "按服务事项" in lines and lines.count("") >= len(summary.tables) - 1


def test_the_command_prints_a_table_and_writes_files(week_copy, tmp_path: Path, capsys) -> None:
    base = ["report", "services", "--from", str(START), "--to", str(END), "--data", str(week_copy),
            "--config", str(HALL)]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert "服务事项统计" in out and "社会保险" in out and "合计" in out
    assert main([*base, "--format", "xlsx", "-o", str(tmp_path / "s.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames == ["封面", "按服务事项"]
    assert main([*base, "--format", "csv", "-o", str(tmp_path / "s.csv"), "--lang", "en"]) == 0
    assert (tmp_path / "s.csv").read_text(encoding="utf-8-sig").startswith("Service,Issued,Called")
    assert main(["report", "services", "--from", str(END), "--to", str(START), "--data", str(week_copy),
                 "--config", str(HALL)]) == 2
    assert "from_after_to" in capsys.readouterr().err


def test_the_command_never_writes_to_the_store(week_copy) -> None:
    before = (week_copy / "hallq.db").read_bytes()
    assert main(["report", "summary", "--from", str(START), "--to", str(END), "--data", str(week_copy),
                 "--config", str(HALL)]) == 0
    assert (week_copy / "hallq.db").read_bytes() == before


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="needs LibreOffice (libreoffice-calc-nogui) and poppler-utils: scripts/setup.sh")
def test_libreoffice_opens_the_workbook_with_its_chinese_text_one_page_wide(summary, tmp_path: Path) -> None:
    book = tmp_path / "summary.xlsx"
    book.write_bytes(write_xlsx(summary))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(book)], check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "summary.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.count("\f")
    assert "统计测试大厅" in text and "按时叫号率" in text and "社会保险" in text and "合计" in text
    # Each sheet is fitted to one landscape page wide: cover + 8 small tables.
    assert pages <= 1 + len(summary.tables) + 2

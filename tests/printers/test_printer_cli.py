"""`hallq printer test`: self-test page and status report; light imports at registration."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hallq.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_self_test_on_the_virtual_printer(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["printer", "test", "--preview", "page.png"]) == 0
    out = capsys.readouterr().out
    assert "status: ready" in out and "printed self-test page" in out
    assert (tmp_path / "page.png").read_bytes().startswith(b"\x89PNG")
    printed = list((tmp_path / "virtual-printer").glob("*-self-test.bin"))
    assert len(printed) == 1
    data = printed[0].read_bytes()
    assert "哪一行显示正确".encode("gb18030") in data
    assert "中文測試".encode("big5") in data and "中文测试".encode("utf-8") in data
    assert b"\x1d(k" in data and b"\x1dv0" in data  # native and image QR


def test_status_only_reports_paper_out_with_exit_code_1(tmp_path, capsys):
    folder = tmp_path / "vp"
    folder.mkdir()
    (folder / "paper-out").touch()
    config = tmp_path / "p.toml"
    config.write_text(f'[printer]\ntransport = "virtual"\nfolder = "{folder}"\n')
    assert main(["printer", "test", "--config", str(config), "--status-only"]) == 1
    assert "status: paper_out" in capsys.readouterr().out
    assert main(["printer", "test", "--config", str(config)]) == 1
    assert "print failed: paper_out" in capsys.readouterr().out


def test_bad_config_exits_2(tmp_path, capsys):
    config = tmp_path / "p.toml"
    config.write_text('[printer]\ntransport = "network"\n')
    assert main(["printer", "test", "--config", str(config)]) == 2
    assert "invalid_printer_config" in capsys.readouterr().out


def test_registering_the_command_imports_nothing_heavy():
    code = ("import argparse, sys, printers.cli as c; p = argparse.ArgumentParser(); "
            "c.register(p.add_subparsers()); "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'serial', 'usb', 'escpos', 'printers.'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['printers.cli']"

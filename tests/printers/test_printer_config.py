"""PrinterConfig from TOML: validation, overrides, and the example files."""
from __future__ import annotations

from pathlib import Path

import pytest

from printers.config import PrinterConfig
from printers.errors import PrinterConfigError

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("printer-*.toml"))


def test_defaults_are_a_virtual_80mm_gb18030_printer():
    config = PrinterConfig()
    assert (config.transport, config.width_dots, config.text_encoding, config.native_qr) == ("virtual", 576, "gb18030", True)


def test_load_reads_the_printer_table(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_text('[hall]\nname = "x"\n\n[printer]\ntransport = "serial"\ndevice = "/dev/ttyS0"\n'
                    'baudrate = 19200\nrtscts = true\nwidth_mm = 58\nprofile = "gbk"\nwrite_timeout = 3\n')
    config = PrinterConfig.load(path)
    assert (config.transport, config.device, config.baudrate, config.rtscts, config.xonxoff) == (
        "serial", "/dev/ttyS0", 19200, True, False)
    assert (config.width_dots, config.text_encoding, config.write_timeout) == (384, "gbk", 3.0)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_files_load(path):
    assert PrinterConfig.load(path).transport in ("serial", "network", "usb", "file", "virtual")


def test_examples_cover_every_transport():
    assert {PrinterConfig.load(p).transport for p in EXAMPLES} == {"serial", "network", "usb", "file", "virtual"}


def test_overrides_beat_the_profile():
    config = PrinterConfig(profile="gbk-image-qr", encoding="gb18030", qr="native", status_queries=False)
    assert (config.text_encoding, config.native_qr, config.queries_status) == ("gb18030", True, False)
    assert PrinterConfig(profile="gbk-image-qr").native_qr is False
    assert PrinterConfig(transport="file", device="/dev/usb/lp0").queries_status is False


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ({"colour": "red"}, "unknown printer keys: colour"),
        ({"baudrate": "9600"}, "baudrate"),
        ({"rtscts": 1}, "rtscts"),
        ({"port": True}, "port"),
        ({"transport": "bluetooth"}, "transport"),
        ({"profile": "epson"}, "unknown profile"),
        ({"width_mm": 76}, "width_mm"),
        ({"encoding": "shift_jis"}, "encoding"),
        ({"transport": "network"}, "needs `host`"),
        ({"transport": "serial"}, "needs `device`"),
        ({"transport": "usb"}, "usb_vendor_id"),
        ({"status_timeout": 2.5}, "status_timeout"),
        ({"write_timeout": 0}, "write_timeout"),
    ],
)
def test_invalid_config_is_refused_with_a_stable_code(table, fragment):
    with pytest.raises(PrinterConfigError) as excinfo:
        PrinterConfig.from_mapping(table)
    assert excinfo.value.code == "invalid_printer_config"
    assert fragment in str(excinfo.value)


def test_unreadable_and_broken_files(tmp_path):
    with pytest.raises(PrinterConfigError):
        PrinterConfig.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[printer\n")
    with pytest.raises(PrinterConfigError):
        PrinterConfig.load(bad)


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        PrinterConfig().host = "x"  # type: ignore[misc]

"""Configuration changes against real processes: `hallq server` and the kiosk app (Xvfb), as in tests/e2e.

- a running kiosk shows a new service, then loses it again, without a restart (its tiles on the X screen);
- SIGKILL of the server while admins change the configuration: after the restart the store holds one whole
  version (the one its meta says, the last applied in its history), every acknowledged change is there.
"""
from __future__ import annotations

import threading
import time

import pytest

from server.cli import create_token_in
from tests.e2e.conftest import apps, hall, procs  # noqa: F401  (fixtures)
from tests.e2e.hallproc import Apps, Hall, outlined_boxes, wait_for

pytestmark = pytest.mark.slow

TILE_BORDER = "#0b3d91"  # kiosk/widgets/common.py: a service tile's frame


def admin(hall: Hall):
    hall.tokens["admin"] = create_token_in(hall.data, "admin", "e2e-admin", None)
    return hall.api("admin")


def tiles(app) -> int:
    return len(outlined_boxes(app.screen.grab(), TILE_BORDER) or ())


def test_a_running_kiosk_shows_a_new_service_and_loses_a_removed_one_without_a_restart(hall: Hall, apps: Apps,
                                                                                       tmp_path) -> None:
    api = admin(hall)
    printer = tmp_path / "printer.toml"
    printer.write_text(f'[printer]\nname = "virtual"\ntransport = "virtual"\nfolder = "{tmp_path / "out"}"\n')
    kiosk = apps.kiosk(printer)
    apps.wait_online(kiosk)
    wait_for("three service tiles", lambda: tiles(kiosk) == 3, 15, kiosk.logs(hall.server_log))
    pid = kiosk.proc.pid
    version = api.ok("GET", "/api/config")["config_version"]
    started = time.monotonic()
    api.ok("POST", "/api/config", {"base_version": version, "ops": [{"op": "put", "kind": "service", "value": {
        "code": "passport", "prefix": "P", "name_zh": "出入境", "name_en": "Exit-entry"}}]})
    wait_for("a fourth tile for the new service", lambda: tiles(kiosk) == 4, 10, kiosk.logs(hall.server_log),
             every=0.05)
    print(f"new service on the kiosk screen {time.monotonic() - started:.2f} s after the change was answered")
    kiosk.screen.grab().save(tmp_path / "kiosk-new-service.png")
    api.ok("POST", "/api/config", {"base_version": version + 1,
                                   "ops": [{"op": "remove", "kind": "service", "key": "passport"}]})
    wait_for("back to three tiles", lambda: tiles(kiosk) == 3, 10, kiosk.logs(hall.server_log), every=0.05)
    kiosk.alive()
    assert kiosk.proc.pid == pid  # the same process: no restart


def test_sigkill_while_admins_change_the_configuration_leaves_one_whole_version(hall: Hall) -> None:
    api = admin(hall)
    for round_ in range(3):
        acked: list[tuple[int, str]] = []  # (config version, the name it set) answered 200 before the kill
        stop = threading.Event()

        def changer() -> None:
            version = api.ok("GET", "/api/config")["config_version"]
            i = 0
            while not stop.is_set() and i < 500:
                i += 1
                name = f"社保-{round_}-{i}"
                try:
                    status, reply = api.call("POST", "/api/config", {"base_version": version, "ops": [
                        {"op": "put", "kind": "service", "value": {"code": "social", "prefix": "B", "name_zh": name,
                                                                    "name_en": f"Social {i}"}},
                        {"op": "set", "kind": "hall", "value": {"name_en": f"Hall {round_}-{i}"}}]})
                except OSError:
                    return  # the server is gone
                if status != 200:
                    return
                version = reply["config_version"]
                acked.append((version, name))

        worker = threading.Thread(target=changer)
        worker.start()
        wait_for("some changes acknowledged", lambda: len(acked) >= 5 + 7 * round_, 20, [hall.server_log],
                 every=0.01)
        hall.kill()
        stop.set()
        worker.join(10)
        hall.start()
        body = api.ok("GET", "/api/config")
        version, cfg = body["config_version"], body["config"]
        social = next(s for s in cfg["services"] if s["code"] == "social")
        history = {row["version"]: row for row in api.ok("GET", "/api/config/history")}
        # The stored configuration is exactly the one its version's change made: never a mix of two.
        [put, hall_set] = history[version]["ops"]
        assert social["name_zh"] == put["value"]["name_zh"]
        assert cfg["hall"]["name_en"] == hall_set["value"]["name_en"]
        assert max(v for v, row in history.items() if row["status"] == "applied") == version
        # Every acknowledged change is stored (one more may be stored whose answer the kill swallowed).
        assert acked and acked[-1][0] <= version <= acked[-1][0] + 1, (acked[-3:], version)
        # The restarted hall takes the next change on the stored version.
        api.ok("POST", "/api/config", {"base_version": version, "ops": [
            {"op": "set", "kind": "rules", "value": {"priority_ratio": 2 + round_}}]})


def hallq(hall: Hall, *argv: str) -> "subprocess.CompletedProcess[str]":
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "hallq", *argv, "--server", hall.url,
                           f"--token={hall.tokens['admin']}"], capture_output=True, text=True, timeout=60)


def test_the_cli_exports_imports_and_lists_the_history(hall: Hall, tmp_path) -> None:
    import tomllib

    api = admin(hall)
    out = tmp_path / "hall.toml"
    done = hallq(hall, "config", "export", "-o", str(out))
    assert done.returncode == 0, done.stderr
    doc = tomllib.loads(out.read_text(encoding="utf-8"))
    assert [s["code"] for s in doc["services"]] == ["social", "estate", "tax"]
    doc_text = out.read_text(encoding="utf-8") + (
        '\n[[services]]\ncode = "passport"\nprefix = "P"\nname_zh = "出入境"\nname_en = "Exit-entry"\n')
    out.write_text(doc_text, encoding="utf-8")
    done = hallq(hall, "config", "import", str(out), "--note", "add 出入境")
    assert done.returncode == 0 and "version 2, in force now" in done.stdout, done.stderr
    assert "passport" in [s["code"] for s in api.ok("GET", "/api/config")["config"]["services"]]
    # A prefix change conflicts with today's B001: refused with the hint, then scheduled with --next-day.
    hall.api("kiosk-1").ok("POST", "/api/tickets", {"service": "social"})
    out.write_text(doc_text.replace('prefix = "B"', 'prefix = "S"'), encoding="utf-8")
    done = hallq(hall, "config", "import", str(out))
    assert done.returncode == 1 and "prefix_in_use" in done.stderr and "--next-day" in done.stderr, done.stderr
    done = hallq(hall, "config", "import", str(out), "--next-day")
    assert done.returncode == 0 and "from the next business day" in done.stdout, done.stderr
    done = hallq(hall, "config", "history")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("v3") and "pending" in lines[0] and "admin:e2e-admin" in lines[0]
    assert lines[1].startswith("v2") and "applied" in lines[1] and "(add 出入境)" in lines[1]
    assert lines[2].startswith("v1") and "seed" in lines[2]
    bad = tmp_path / "bad.toml"
    bad.write_text("[hall\n", encoding="utf-8")
    done = hallq(hall, "config", "import", str(bad))
    assert done.returncode == 1 and "config_invalid" in done.stderr

"""`hallq demo`: the sample county hall in one command — the server, a kiosk printing to a virtual printer,
two window terminals with demo clerks, the wall display, and with --simulate a live crowd.

Without a screen (no DISPLAY / WAYLAND_DISPLAY) the apps render offscreen, the crowd runs for a
bounded time, and screenshots of every app and the printed tickets land in an output folder.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
from datetime import datetime
from pathlib import Path

DEMO_PIN = "1234"
DEMO_CLERKS = (("demo1", "演示坐席一", 1), ("demo2", "演示坐席二", 2), ("demo3", "演示坐席三", 16))


def register(sub: argparse._SubParsersAction) -> None:
    from server.cli import DEFAULT_CONFIG

    p = sub.add_parser("demo", help="run the demo hall (server on the sample config, tokens printed)")
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    p.add_argument("--data", type=Path, default=Path("demo-data"), help="wiped and recreated on every run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700)
    p.add_argument("--keep-hours", action="store_true",
                   help="apply the services' issuing hours (by default a demo issues at any hour)")
    p.add_argument("--simulate", action="store_true", help="a simulated crowd arrives, clerks call and serve")
    p.add_argument("--speed", type=float, default=60.0, help="with --simulate: simulated minutes per real minute")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seconds", type=float, help="stop by itself after this many seconds (headless: 60)")
    p.add_argument("--out", type=Path, default=Path("demo-out"), help="screenshots and printed tickets (wiped)")
    p.add_argument("--no-apps", action="store_true", help="only the server (and the crowd)")
    p.set_defaults(func=run_demo)


def headless() -> bool:
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def provision(data: Path, hall, crowd: bool = False) -> dict[str, str]:
    """Fresh data dir with tokens for every device, the demo clerks (PIN 1234), and with `crowd` a
    simulated clerk for every other window (enrolled now: PIN hashing is slow on purpose)."""
    from hallq.simulation import sim_clerk
    from server.cli import enroll_clerk, issue_token, open_store

    if data.exists():
        shutil.rmtree(data)
    with open_store(data) as store:
        tokens = {"kiosk": issue_token(store, "kiosk", "demo-crowd", None),
                  "kiosk-screen": issue_token(store, "kiosk", "demo-kiosk", None),
                  "display": issue_token(store, "display", "demo-display", None),
                  "admin": issue_token(store, "admin", "demo-admin", None)}
        for w in hall.windows:
            tokens[f"window{w.id}"] = issue_token(store, "window", f"demo-window{w.id}", w.id)
        for staff, name, window in DEMO_CLERKS:
            enroll_clerk(store, staff, name, DEMO_PIN)
        demo_windows = {c[2] for c in DEMO_CLERKS}
        for w in hall.windows if crowd else ():
            if w.id not in demo_windows:
                enroll_clerk(store, *sim_clerk(w.id))
    lines = [f"{role:10} {token}" for role, token in tokens.items()]
    (data / "tokens.txt").write_text("\n".join(lines) + "\n")
    return tokens


def run_demo(args: argparse.Namespace) -> int:
    import tomllib

    from hallq.simulation import load_simulation
    from queuecore.config import ConfigError, issuing_at_any_hour, parse_config
    from server.runner import run

    try:  # read once: the hall and its [simulation] table
        doc = tomllib.loads(args.config.read_text(encoding="utf-8"))
        hall, args.crowd = parse_config(doc), load_simulation(doc)
    except (ConfigError, OSError, ValueError) as exc:
        print(f"error: {args.config}: {exc}")
        return 2
    if headless() and not args.no_apps:
        args.simulate = True  # nobody is there to tap: let the crowd bring the screens to life
        args.seconds = args.seconds or 60.0
    if not args.keep_hours or args.simulate:
        hall = issuing_at_any_hour(hall)
    tokens = provision(args.data, hall, crowd=args.simulate)
    if args.out.exists():
        shutil.rmtree(args.out)
    run(_demo(args, hall, tokens))
    return 0


async def _demo(args: argparse.Namespace, hall, tokens: dict[str, str]) -> None:
    import logging

    from server.app import SERVICE, ServerConfig
    from server.runner import start

    # The simulated crowd shares one kiosk token for what would be several kiosks: no per-kiosk limit.
    limit = 1_000_000 if args.simulate else 60
    runner, port = await start(ServerConfig(hall=hall, data_dir=args.data, kiosk_issue_limit=limit), args.host,
                               args.port)
    url = f"http://{args.host}:{port}"
    print(f"""
hallq demo: {hall.name_zh} ({len(hall.services)} services, {len(hall.windows)} windows)
  health     {url}/api/health
  API docs   {url}/api/openapi.json
  display    {url}/display?token={tokens['display']}
  data       {args.data.resolve()} (tokens in tokens.txt; clerks {', '.join(c[0] for c in DEMO_CLERKS)}, PIN {DEMO_PIN})
try it:
  curl -s -X POST {url}/api/tickets -H 'Authorization: Bearer {tokens['kiosk']}' -d '{{"service": "realestate"}}'
Ctrl-C stops the demo.""", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if args.seconds:
        loop.call_later(args.seconds, stop.set)
    sim_task = None
    if args.simulate:
        logging.getLogger("hallq.server").setLevel(logging.WARNING)
        sim_task = asyncio.create_task(_crowd(args, hall, url, tokens))
        print(f"simulating a crowd at {args.speed:g}x (a simulated day takes "
              f"{(11 * 60) / args.speed:.0f} real minutes)", flush=True)
    apps = [] if args.no_apps else await launch_apps(args, url, tokens)
    await stop.wait()
    if sim_task is not None:
        sim_task.cancel()
        await asyncio.gather(sim_task, return_exceptions=True)
    await stop_apps(apps)
    print(summary(runner.app[SERVICE], args.speed if args.simulate else None), flush=True)
    await runner.cleanup()
    if apps:
        shots = sorted((args.out / "screens").glob("*.png"))
        tickets = sorted((args.out / "tickets").glob("*.png"))
        print(f"screenshots ({len(shots)}):", *(f"  {p}" for p in shots), sep="\n")
        print(f"printed tickets ({len(tickets)}) in {args.out / 'tickets'}" +
              (f", e.g. {tickets[0]}" if tickets else ""))
    print("demo stopped.", flush=True)


APP_STARTUP_S = 3.0


async def launch_apps(args: argparse.Namespace, url: str, tokens: dict[str, str]) -> list:
    """The kiosk (virtual printer), window terminals 1 and 2 (demo clerks) and the display, as processes."""
    import aiohttp

    out = args.out.resolve()
    printer = args.data / "printer.toml"
    printer.write_text(f'[printer]\nname = "demo"\ntransport = "virtual"\nfolder = "{out / "tickets"}"\n'
                       f'profile = "gb18030"\nwidth_mm = 80\n', encoding="utf-8")
    async with aiohttp.ClientSession() as s:  # the demo clerks start signed in
        for staff, _, window in DEMO_CLERKS[:2]:
            await s.post(f"{url}/api/windows/{window}/sign-in", json={"staff_id": staff, "pin": DEMO_PIN},
                         headers={"Authorization": f"Bearer {tokens[f'window{window}']}"})
    quiet = headless()
    base_env = dict(os.environ, HALLQ_SCREENSHOT_DIR=str(out / "screens"), HALLQ_SCREENSHOT_EVERY="3")
    if quiet:
        base_env["QT_QPA_PLATFORM"] = "offscreen"
    hallq = [sys.executable, "-m", "hallq"]
    apps = {
        "kiosk": [*hallq, "kiosk", "--server", url, "--token", tokens["kiosk-screen"], "--printer", str(printer),
                  "--windowed"],
        "window1": [*hallq, "window", "--server", url, "--token", tokens["window1"]],
        "window2": [*hallq, "window", "--server", url, "--token", tokens["window2"], "--compact"],
        "display": [*hallq, "display", "--server", url, "--token", tokens["display"], "--windowed",
                    *(["--silent"] if quiet else [])],
    }
    procs = []
    (out / "logs").mkdir(parents=True, exist_ok=True)
    for name, cmd in apps.items():
        log = open(out / "logs" / f"{name}.log", "wb")
        procs.append((name, await asyncio.create_subprocess_exec(
            *cmd, stdout=log, stderr=asyncio.subprocess.STDOUT, env=dict(base_env, HALLQ_SCREENSHOT_NAME=name))))
    print(f"apps: {', '.join(apps)} (logs in {out / 'logs'}; "
          f"{'offscreen, screenshots every 3 s' if quiet else 'windows on this screen'})", flush=True)
    await asyncio.sleep(APP_STARTUP_S)
    return procs


async def stop_apps(procs: list) -> None:
    for _, p in procs:
        if p.returncode is None:
            p.send_signal(signal.SIGTERM)
    for name, p in procs:
        try:
            await asyncio.wait_for(p.wait(), 10)
        except asyncio.TimeoutError:
            p.kill()
            await p.wait()


def summary(service, speed: float | None = None) -> str:
    """One paragraph from today's day report: issued, served, waiting, average wait, ratings.

    With `speed` (a simulated crowd) the average wait is given in simulated minutes: the server
    keeps the real clock while the crowd's time runs `speed` times faster."""
    from server.reports import day_report

    day = service.clock().date()
    report = day_report(service.store.conn, day)
    issued = sum(s.issued for s in report.services)
    served = sum(s.served for s in report.services)
    # From the tickets, not the report's per-service means: those are rounded to 0.1 min (6 s),
    # which at 120x is 12 simulated minutes.
    waits = [(t.called_at - t.arrival_at).total_seconds() for t in service.hall.tickets.values()
             if t.day == day and t.called_at is not None]
    avg_s = sum(waits) / len(waits) if waits else 0.0
    if speed:
        wait = f"{avg_s * speed / 60:.1f} simulated min ({avg_s:.0f} s real at {speed:g}×)"
    else:
        wait = f"{avg_s / 60:.1f} min" if avg_s >= 60 else f"{avg_s:.0f} s"
    rated = sum(v for k, v in report.ratings.items() if k)
    good = sum(v for k, v in report.ratings.items() if k >= 4)
    return (f"today so far: {issued} tickets issued, {served} served, {issued - served} not served yet or no-show; "
            f"average wait {wait}" + (f"; {rated} ratings, {good / rated:.0%} 满意 or better" if rated else ""))


async def _crowd(args: argparse.Namespace, hall, url: str, tokens: dict[str, str]):
    """The live crowd: the simulation's clerks use the demo windows' tokens and clerk ids."""
    from datetime import time as dtime, timedelta
    from zoneinfo import ZoneInfo

    import aiohttp

    from hallq.simulation import LiveClock, Simulation, http_sender

    sim = args.crowd
    tz = ZoneInfo(hall.timezone)
    today = datetime.now(tz).date()
    # The crowd's day starts a simulated minute before opening: the first citizens come at once.
    begin = datetime.combine(today, dtime.fromisoformat(sim.opens), tz) - timedelta(minutes=1)
    async with aiohttp.ClientSession() as session:
        simulation = Simulation(hall, sim, today, args.seed, LiveClock(begin, args.speed), http_sender(session, url),
                                tokens)
        simulation.clerk_ids = {c[2]: (c[0], DEMO_PIN) for c in DEMO_CLERKS}
        if not args.no_apps:
            simulation.on_issued = ticket_printer(args, hall, url)
        return await simulation.run()


PRINTED_BY_THE_CROWD = 12


def ticket_printer(args: argparse.Namespace, hall, url: str):
    """The crowd's first tickets go through the demo's virtual printer too (.bin + .png in the output folder):
    on a machine without a screen nobody taps the kiosk, and the printed tickets should still be seen."""
    from printers.config import PrinterConfig
    from printers.printer import TicketPrinter
    from printers.ticket import PrintableTicket

    printer = TicketPrinter(PrinterConfig.load(args.data / "printer.toml"))
    labels = {p.code: p.name_zh for p in hall.priorities if p.kind != "normal"}
    printed = [0]

    def print_one(reply: dict) -> None:
        if printed[0] >= PRINTED_BY_THE_CROWD:
            return
        printed[0] += 1
        t = reply["ticket"]
        printer.print_ticket(PrintableTicket(
            hall_name=hall.name_zh, number=t["number"], service_name=reply["service_name_zh"],
            service_name_en=reply["service_name_en"], people_ahead=reply["people_ahead"],
            issued_at=datetime.fromisoformat(t["issued_at"]), estimated_wait_minutes=reply["estimated_wait_minutes"],
            priority_label=labels.get(t["priority"]), status_url=url + reply.get("status_path", ""),
            materials=tuple(reply["materials"])))

    return print_one

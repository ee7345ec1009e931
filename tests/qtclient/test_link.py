"""HallLink against the real server on 127.0.0.1: snapshot, commands by id, pushes, offline, reconnect + resync, REST."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from qtclient.link import HallLink, LinkTimings
from qtclient.outstanding import Resend
from qtclient.state import HallState
from queuecore import events as ev
from queuecore import protocol as P
from tests.qtclient.conftest import FAST, PINS
from tests.queuecore.conftest import DAY, at, make_config


def sign_in(qtbot, link: HallLink, staff: str = "s1") -> None:
    with qtbot.waitSignal(link.command_finished, timeout=5000):
        link.send(P.SignIn(staff_id=staff, pin=PINS[staff]))


def issue(server, service: str = "estate") -> None:
    reply = server.execute(P.IssueTicket(service=service))
    assert isinstance(reply, P.Result), reply


def test_connect_goes_online_with_the_current_snapshot(qtbot, server, make_link) -> None:
    issue(server)
    link = HallLink(server.url, server.tokens["display"], timings=FAST)
    states: list[str] = []
    link.connection_changed.connect(states.append)
    with qtbot.waitSignal(link.snapshot_received, timeout=5000) as snap:
        link.start()
    snapshot = snap.args[0]
    assert isinstance(snapshot, P.Snapshot) and snapshot.hall.name_zh == "测试大厅"
    assert [t.number for t in snapshot.tickets] == ["A001"]
    assert states == ["connecting", "online"] and link.is_online
    assert link.version == snapshot.version and link.last_contact is not None
    link.stop()
    assert link.state == "offline" and states[-1] == "offline"


def test_a_command_finishes_with_its_own_id_and_typed_data(qtbot, server, make_link) -> None:
    kiosk = make_link(server.url, server.tokens["kiosk"])
    with qtbot.waitSignal(kiosk.command_finished, timeout=5000,
                          check_params_cb=lambda cid, data: cid == "kiosk-42") as done:
        assert kiosk.send(P.IssueTicket(id="kiosk-42", service="estate")) == "kiosk-42"
    issued = done.args[1]
    assert isinstance(issued, P.IssuedTicket)
    assert (issued.ticket.number, issued.people_ahead, issued.materials) == ("A001", 0, ("身份证",))


def test_a_command_without_id_gets_a_unique_one(qtbot, server, make_link) -> None:
    kiosk = make_link(server.url, server.tokens["kiosk"])
    with qtbot.waitSignals([kiosk.command_finished] * 2, timeout=5000):
        ids = {kiosk.send(P.IssueTicket(service="social")), kiosk.send(P.IssueTicket(service="social"))}
    assert len(ids) == 2 and all(ids)
    # A second link (an app restarted) must not reuse ids: the server would replay old replies.
    assert kiosk._new_id() != make_link(server.url, server.tokens["kiosk"], start=False)._new_id()


@pytest.mark.parametrize(("token", "command", "code"), [
    ("window1", P.CallNext(id="x-1"), "clerk_not_signed_in"),
    ("kiosk", P.IssueTicket(id="x-2", service="nope"), "unknown_service"),
    ("display", P.IssueTicket(id="x-3", service="estate"), "forbidden"),
])
def test_an_error_reply_fails_the_command_with_the_servers_code(qtbot, server, make_link, token, command,
                                                                 code) -> None:
    link = make_link(server.url, server.tokens[token])
    with qtbot.waitSignal(link.command_failed, timeout=5000) as failed:
        link.send(command)
    assert failed.args[:2] == [command.id, code] and failed.args[2]


def test_changes_and_announcements_made_by_other_clients_arrive_in_order(qtbot, server, make_link) -> None:
    display = make_link(server.url, server.tokens["display"])
    clerk = make_link(server.url, server.tokens["window1"])
    v0 = display.version
    changes: list[P.Change] = []
    display.change_received.connect(changes.append)
    sign_in(qtbot, clerk)
    with qtbot.waitSignal(display.change_received, timeout=5000):
        issue(server)
    with qtbot.waitSignal(display.announcement_received, timeout=5000) as ann:
        clerk.send(P.CallNext())
    a = ann.args[0]
    assert isinstance(a, P.Announcement)
    assert (a.number, a.window, a.window_name_zh, a.recall) == ("A001", 1, "1号窗口", 0)
    assert [c.version for c in changes] == [v0 + 1, v0 + 2, v0 + 3] == [v0 + 1, v0 + 2, display.version]
    assert changes[1].tickets[0].number == "A001" and isinstance(changes[2].events[0], ev.TicketCalled)
    with qtbot.waitSignal(display.announcement_received, timeout=5000) as ann:
        clerk.send(P.Recall())
    assert (ann.args[0].number, ann.args[0].recall) == ("A001", 1)


def test_sending_while_offline_fails_at_once_and_sends_nothing(qtbot, server) -> None:
    link = HallLink(server.url, server.tokens["window1"], timings=FAST)  # never started
    before = server.snapshot().version
    with qtbot.waitSignal(link.command_failed, timeout=1000) as failed:
        cid = link.send(P.CallNext(id="late-call"))
    assert failed.args[:2] == [cid, "offline"] == ["late-call", "offline"]
    assert server.snapshot().version == before


def test_a_repeated_id_is_replayed_by_the_server_not_run_twice(qtbot, server, make_link) -> None:
    kiosk = make_link(server.url, server.tokens["kiosk"])
    results = []
    kiosk.command_finished.connect(lambda cid, data: results.append((cid, data.ticket.number)))
    for _ in range(2):
        with qtbot.waitSignal(kiosk.command_finished, timeout=5000):
            kiosk.send(P.IssueTicket(id="same", service="estate"))
    assert results == [("same", "A001"), ("same", "A001")]


def test_server_restart_reconnects_resyncs_and_never_repeats_an_announcement(qtbot, server, make_link,
                                                                            caplog) -> None:
    caplog.set_level("INFO", logger="hallq.qtclient")
    display = make_link(server.url, server.tokens["display"])
    clerk = make_link(server.url, server.tokens["window1"])
    sign_in(qtbot, clerk)
    issue(server)
    issue(server)
    announced: list[tuple[str, int]] = []
    display.announcement_received.connect(lambda a: announced.append((a.number, a.recall)))
    with qtbot.waitSignal(display.announcement_received, timeout=5000):
        clerk.send(P.CallNext())
    seen = display.version

    with qtbot.waitSignal(display.connection_changed, timeout=5000,
                          check_params_cb=lambda s: s == "offline"):
        server.stop()
    with qtbot.waitSignal(clerk.command_failed, timeout=1000) as failed:
        clerk.send(P.Skip(id="skip-while-down"))
    assert failed.args[:2] == ["skip-while-down", "offline"]
    # The hall moves on while this display is away: it must learn it from the fresh snapshot.
    assert isinstance(server.execute_while_stopped(P.IssueTicket(service="social")), P.Result)
    with qtbot.waitSignal(display.snapshot_received, timeout=5000) as snap:
        server.start()  # same port, same data dir
    assert snap.args[0].version > seen and display.version == snap.args[0].version
    assert display.state == "online"
    assert [c.number for c in snap.args[0].recent_calls] == ["A001"]  # history, not a new announcement
    qtbot.waitUntil(lambda: clerk.is_online, timeout=5000)
    with qtbot.waitSignal(display.announcement_received, timeout=5000):
        clerk.send(P.Finish())
        clerk.send(P.CallNext())
    assert announced == [("A001", 0), ("A002", 0)]
    logged = [r.getMessage() for r in caplog.records if r.name == "hallq.qtclient"]
    for words in ("disconnected from", "reconnecting in", "snapshot v"):
        assert any(words in m for m in logged), words


def test_a_version_gap_triggers_a_full_resync_instead_of_applying(qtbot, server, make_link) -> None:
    display = make_link(server.url, server.tokens["display"])
    v = display.version
    changes: list[P.Change] = []
    display.change_received.connect(changes.append)
    forged = P.encode_text(P.Change(version=v + 2, events=[]))
    with qtbot.waitSignal(display.snapshot_received, timeout=5000) as snap:
        display._on_text(forged)  # a push the server never sent: v+1 went missing
    assert changes == [] and snap.args[0].version == v == display.version
    assert display.state == "online"
    with qtbot.waitSignal(display.change_received, timeout=5000) as change:
        issue(server)
    assert change.args[0].version == v + 1


def test_old_changes_and_announcements_already_seen_are_ignored(qtbot, server, make_link) -> None:
    display = make_link(server.url, server.tokens["display"])
    clerk = make_link(server.url, server.tokens["window1"])
    sign_in(qtbot, clerk)
    issue(server)
    got: list[object] = []
    with qtbot.waitSignal(display.announcement_received, timeout=5000) as ann:
        clerk.send(P.CallNext())
    display.change_received.connect(got.append)
    display.announcement_received.connect(got.append)
    # the same call pushed again
    display._on_text(P.encode_text(P.Change(version=display.version, events=[], announcements=[ann.args[0]])))
    display._on_text(P.encode_text(P.Change(version=display.version, events=[])))
    display._on_text('{"type": "weather", "sunny": true}')  # a newer server's push type
    assert got == []
    with qtbot.waitSignal(display.announcement_received, timeout=5000) as recall:
        clerk.send(P.Recall())
    # The call is spoken first, then the change around it is applied.
    assert recall.args[0].recall == 1 and got[0] is recall.args[0] and isinstance(got[1], P.Change)


def test_rest_requests_go_through_the_network_access_manager(qtbot, server, make_link) -> None:
    link = HallLink(server.url, server.tokens["kiosk"], timings=FAST)
    with qtbot.waitSignal(link.command_finished, timeout=5000) as done:
        rid = link.request("POST", "/api/tickets", {"service": "estate"}, result_type=P.IssuedTicket)
    assert done.args[0] == rid and done.args[1].ticket.number == "A001"
    # The id is the Idempotency-Key: a retry with the same id gets the same ticket, not a new one.
    with qtbot.waitSignal(link.command_finished, timeout=5000) as again:
        link.request("POST", "/api/tickets", {"service": "estate"}, id=rid, result_type=P.IssuedTicket)
    assert again.args[1].ticket.number == "A001"
    with qtbot.waitSignal(link.command_failed, timeout=5000) as failed:
        bad = link.request("POST", "/api/tickets", {"service": "nope"})
    assert failed.args[:2] == [bad, "unknown_service"]
    with qtbot.waitSignal(link.command_finished, timeout=5000) as health:
        link.request("GET", "/api/health")
    assert health.args[1]["status"] == "ok" and health.args[1]["version"] == 2  # day started, one ticket: the retry changed nothing
    server.stop()
    with qtbot.waitSignal(link.command_failed, timeout=5000) as down:
        link.request("GET", "/api/health")
    assert down.args[1] == "offline"


def test_a_rejected_token_stays_offline_and_keeps_trying(qtbot, server) -> None:
    link = HallLink(server.url, "not-a-token", timings=FAST)
    states: list[str] = []
    link.connection_changed.connect(states.append)
    link.start()
    qtbot.waitUntil(lambda: states.count("connecting") >= 2, timeout=5000)
    link.stop()
    assert "online" not in states and link.last_error


def test_backoff_doubles_with_jitter_up_to_the_cap_and_resets_online(qtbot, server) -> None:
    timings = LinkTimings(backoff_initial=0.5, backoff_max=10.0, backoff_jitter=0.25)
    link = HallLink(server.url, server.tokens["display"], timings=timings, rng=random.Random(7))
    delays = [link._next_delay() for _ in range(8)]
    for delay, base in zip(delays, [0.5, 1, 2, 4, 8, 10, 10, 10]):
        assert base * 0.75 <= delay <= min(10.0, base * 1.25)
    assert len(set(delays)) == len(delays)  # jittered: no two screens in lockstep
    link.timings = FAST
    with qtbot.waitSignal(link.snapshot_received, timeout=5000):
        link.start()
    assert link._attempts == 0
    link.stop()


def hung_snapshot() -> str:
    return P.encode_text(P.Snapshot(version=7, day=DAY, now=at("09:00"), hall=make_config(), services=[],
                                    windows=[], tickets=[], recent_calls=[]))


def test_a_command_without_reply_fails_with_timeout(qtbot, make_hung_server, make_link) -> None:
    hung = make_hung_server(hung_snapshot())
    link = make_link(hung.url, "any", timings=replace(FAST, command_timeout=0.3, dead_after=5.0))
    with qtbot.waitSignal(link.command_failed, timeout=3000) as failed:
        cid = link.send(P.CallNext())
    assert failed.args[:2] == [cid, "timeout"]
    assert link.is_online  # a slow reply is not a dead link by itself


def test_a_silent_link_is_found_dead_and_its_command_fails_once_resending_ends(qtbot, make_hung_server,
                                                                               make_link) -> None:
    hung = make_hung_server(hung_snapshot())
    link = make_link(hung.url, "any", timings=replace(FAST, ping_interval=0.1, dead_after=0.4,
                                                      resend=Resend(max_sends=2)))
    assert link.version == 7
    failures: list[tuple[str, str]] = []
    link.command_failed.connect(lambda cid, code, _: failures.append((cid, code)))
    cid = link.send(P.CallNext())
    with qtbot.waitSignal(link.connection_changed, timeout=3000, check_params_cb=lambda s: s == "offline"):
        pass
    assert failures == [] and link.last_error == "dead link"  # outcome unknown: kept for the next connection
    # ... and it keeps trying: the hung server accepts, sends its snapshot, gets the command again
    # and is found dead again; that was the last send allowed.
    qtbot.waitUntil(lambda: bool(failures), timeout=3000)
    assert failures == [(cid, "connection_lost")]
    qtbot.waitUntil(lambda: link.is_online, timeout=3000)


def test_no_snapshot_after_the_handshake_ends_the_attempt(qtbot, make_hung_server, make_link) -> None:
    hung = make_hung_server(None)
    link = make_link(hung.url, "any", timings=replace(FAST, connect_timeout=0.3), start=False)
    states: list[str] = []
    link.connection_changed.connect(states.append)
    link.start()
    qtbot.waitUntil(lambda: states.count("connecting") >= 2, timeout=3000)
    assert states[:3] == ["connecting", "offline", "connecting"] and link.last_error == "connect timeout"


def test_a_link_started_before_the_server_comes_online_when_it_does(qtbot, server, make_link) -> None:
    server.stop()
    link = make_link(server.url, server.tokens["display"], start=False)
    states: list[str] = []
    link.connection_changed.connect(states.append)
    link.start()
    qtbot.waitUntil(lambda: states.count("offline") >= 2, timeout=3000)  # refused, backing off, refused
    with qtbot.waitSignal(link.snapshot_received, timeout=5000):
        server.start()
    assert link.is_online and link._attempts == 0


@pytest.mark.parametrize("url", ["127.0.0.1:8700", "ws://127.0.0.1:8700", "http://"])
def test_a_server_url_that_is_not_http_is_refused_early(url) -> None:
    with pytest.raises(ValueError):
        HallLink(url, "t")


def test_state_built_from_snapshot_and_changes_equals_a_fresh_snapshot(qtbot, server, make_link) -> None:
    display = make_link(server.url, server.tokens["display"], start=False)
    hall = HallState()
    display.snapshot_received.connect(hall.apply_snapshot)
    display.change_received.connect(hall.apply_change)
    with qtbot.waitSignal(display.snapshot_received, timeout=5000):
        display.start()
    clerk = make_link(server.url, server.tokens["window1"])
    sign_in(qtbot, clerk)
    for service in ("estate", "social", "estate", "tax"):
        issue(server, service)
    for command in (P.CallNext(), P.StartServing(), P.Finish(), P.CallNext(), P.Skip(), P.PauseWindow(reason="午休")):
        with qtbot.waitSignal(clerk.command_finished, timeout=5000):
            clerk.send(command)
    server.execute(P.CloseService(service="tax", reason="系统维护"))
    target = server.snapshot().version
    qtbot.waitUntil(lambda: hall.version == target, timeout=5000)
    fresh = server.snapshot("display")  # what a display may see: the same view, built anew
    assert hall.tickets == {t.id: t for t in fresh.tickets}
    assert hall.windows == {w.id: w for w in fresh.windows}
    assert hall.closed_services == set(fresh.closed_services) == {"tax"}
    assert hall.recent_calls == fresh.recent_calls
    assert {s.code: s for s in hall.services.values()} == {s.code: s for s in fresh.services}


def test_pausing_a_window_updates_the_open_window_count_of_its_services(qtbot, server, make_link) -> None:
    clerk = make_link(server.url, server.tokens["window1"])
    sign_in(qtbot, clerk)
    with qtbot.waitSignal(clerk.change_received, timeout=5000) as change:
        clerk.send(P.PauseWindow(reason="午休"))
    assert [(s.code, s.windows_open) for s in change.args[0].services] == [("estate", 0)]

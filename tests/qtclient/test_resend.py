"""HallLink's one re-send rule: a command whose reply never came goes out again with the same id, within a bound, and its caller gets one final outcome."""
from __future__ import annotations

from dataclasses import replace

import pytest

from qtclient.link import HallLink
from qtclient.outstanding import NO_RESEND, Resend
from queuecore import protocol as P
from tests.qtclient.conftest import FAST, ScriptedHall
from tests.qtclient.test_link import hung_snapshot

QUICK = replace(FAST, command_timeout=0.3)


class Outcomes:
    """Every signal a caller sees about its commands, in order."""

    def __init__(self, link: HallLink) -> None:
        self.seen: list[tuple] = []
        link.command_finished.connect(lambda cid, data: self.seen.append(("finished", cid, data)))
        link.command_failed.connect(lambda cid, code, _msg: self.seen.append(("failed", cid, code)))
        link.command_retrying.connect(lambda cid, why: self.seen.append(("retrying", cid, why)))

    def final(self, cid: str) -> list[tuple]:
        return [o for o in self.seen if o[0] != "retrying" and o[1] == cid]

    def retries(self, cid: str) -> list[str]:
        return [o[2] for o in self.seen if o[0] == "retrying" and o[1] == cid]


def scripted(script, **kw) -> ScriptedHall:
    return ScriptedHall(snapshot=hung_snapshot(), script=script, **kw)


# ------------------------------------------------------------ a fake server, scripted per frame


def test_a_command_unanswered_the_first_time_is_resent_with_the_same_id_on_the_same_socket(
        qtbot, make_scripted_server, make_link) -> None:
    hall = scripted(lambda conn, nth, cmd: "ignore" if nth == 1 else "reply")
    link = make_link(make_scripted_server(hall).url, "any", timings=QUICK)
    seen = Outcomes(link)
    with qtbot.waitSignal(link.command_finished, timeout=3000):
        cid = link.send(P.CallNext())
    qtbot.wait(400)  # longer than a timeout: nothing else may come
    assert seen.final(cid) == [("finished", cid, {"connection": 1, "nth": 2})]
    assert seen.retries(cid) == ["timeout"]
    frames = hall.frames(cid)
    assert [c for c, _ in frames] == [1, 1] and frames[0][1] == frames[1][1]  # the very same command, same id
    assert link.is_online


def test_a_command_cut_off_by_a_dropped_socket_is_resent_after_the_next_snapshot(
        qtbot, make_scripted_server, make_link) -> None:
    hall = scripted(lambda conn, nth, cmd: "drop" if nth == 1 else "reply")
    link = make_link(make_scripted_server(hall).url, "any")
    hall.snapshot_delay = 0.3  # the next connection's snapshot comes late: the re-send must wait for it
    seen = Outcomes(link)
    with qtbot.waitSignal(link.command_finished, timeout=5000):
        cid = link.send(P.Skip(id="wt-7"))
    assert seen.final("wt-7") == [("finished", "wt-7", {"connection": 2, "nth": 2})]
    assert seen.retries("wt-7") == ["connection_lost"]
    frames = hall.frames("wt-7")
    assert [c for c, _ in frames] == [1, 2] and frames[0][1] == frames[1][1] == P.encode_text(P.Skip(id=cid))
    on_second = [e for e in hall.log if e[1] == 2]
    assert on_second[0] == ("snapshot", 2)  # nothing was re-sent before the fresh snapshot


def test_a_command_never_answered_fails_once_after_the_bounded_sends(qtbot, make_scripted_server,
                                                                     make_link) -> None:
    hall = scripted(lambda conn, nth, cmd: "ignore")
    link = make_link(make_scripted_server(hall).url, "any", timings=replace(QUICK, resend=Resend(max_sends=3)))
    seen = Outcomes(link)
    with qtbot.waitSignal(link.command_failed, timeout=3000):
        cid = link.send(P.CallNext())
    qtbot.wait(700)  # two more timeouts' worth: no fourth send, no second failure
    assert seen.final(cid) == [("failed", cid, "timeout")]
    assert seen.retries(cid) == ["timeout", "timeout"]
    assert len(hall.frames(cid)) == 3 and len({text for _, text in hall.frames(cid)}) == 1


def test_an_unsure_command_is_not_resent_after_its_age_bound_even_when_the_server_returns(
        qtbot, make_scripted_server, make_link) -> None:
    hall = scripted(lambda conn, nth, cmd: "ignore" if conn == 1 else "reply")
    srv = make_scripted_server(hall)
    link = make_link(srv.url, "any", timings=replace(FAST, resend=Resend(within=0.5)))
    seen = Outcomes(link)
    states: list[str] = []
    link.connection_changed.connect(states.append)
    cid = link.send(P.CallNext())
    qtbot.waitUntil(lambda: len(hall.frames(cid)) == 1, timeout=3000)
    with qtbot.waitSignal(link.command_failed, timeout=3000):
        srv.stop()  # the socket drops before the reply, and no server answers for a while
    assert "online" not in states  # it failed while offline, not as a surprise after the reconnect
    with qtbot.waitSignal(link.snapshot_received, timeout=5000):
        srv.start()
    qtbot.wait(300)
    assert seen.final(cid) == [("failed", cid, "connection_lost")]
    assert [c for c, _ in hall.frames(cid)] == [1]  # never sent again


def test_a_command_sent_with_no_resend_fails_at_its_first_timeout(qtbot, make_scripted_server, make_link) -> None:
    hall = scripted(lambda conn, nth, cmd: "ignore")
    link = make_link(make_scripted_server(hall).url, "any", timings=QUICK)
    seen = Outcomes(link)
    with qtbot.waitSignal(link.command_failed, timeout=3000):
        cid = link.send(P.CallNext(), resend=NO_RESEND)
    qtbot.wait(400)
    assert seen.final(cid) == [("failed", cid, "timeout")] and seen.retries(cid) == []
    assert len(hall.frames(cid)) == 1


@pytest.mark.parametrize("action", ["refuse", "reply"])
def test_an_answer_is_final_and_never_resent(qtbot, make_scripted_server, make_link, action) -> None:
    hall = scripted(lambda conn, nth, cmd: action)
    link = make_link(make_scripted_server(hall).url, "any", timings=QUICK)
    seen = Outcomes(link)
    with qtbot.waitSignal(link.command_failed if action == "refuse" else link.command_finished, timeout=3000):
        cid = link.send(P.CallNext())
    qtbot.wait(400)
    assert len(seen.final(cid)) == 1 and seen.retries(cid) == [] and len(hall.frames(cid)) == 1
    if action == "refuse":
        assert seen.final(cid) == [("failed", cid, "id_reused")]


def test_stopping_the_link_fails_a_held_command_at_once(qtbot, make_scripted_server, make_link) -> None:
    hall = scripted(lambda conn, nth, cmd: "drop")
    link = make_link(make_scripted_server(hall).url, "any")
    seen = Outcomes(link)
    with qtbot.waitSignal(link.command_retrying, timeout=3000):
        cid = link.send(P.CallNext())
    link.stop()  # held, or in flight again on the next connection: either way it ends now
    assert seen.final(cid) == [("failed", cid, "connection_lost")]
    qtbot.wait(300)
    assert seen.final(cid) == [("failed", cid, "connection_lost")] and seen.retries(cid) == ["connection_lost"]


def test_a_slot_that_sends_again_as_the_socket_drops_gets_offline_not_a_crash(
        qtbot, make_scripted_server, make_link) -> None:
    hall = scripted(lambda conn, nth, cmd: "drop")
    link = make_link(make_scripted_server(hall).url, "any")
    late: list[str] = []
    # The final failure is emitted while the socket is being dropped, before "offline".
    link.command_failed.connect(lambda cid, code, _m: late.append(link.send(P.Recall(id="again"))) if code ==
                                "connection_lost" else None)
    with qtbot.waitSignal(link.command_failed, timeout=3000, check_params_cb=lambda cid, code, m: cid == "again"
                          ) as failed:
        link.send(P.CallNext(), resend=NO_RESEND)
    assert late == ["again"] and failed.args[1] == "offline"


# ------------------------------------------------------------ the real server, through a network that breaks


def issued(outcomes: Outcomes, cid: str) -> list[tuple]:
    return [(o[0], o[1], o[2].ticket.number if o[0] == "finished" else o[2]) for o in outcomes.final(cid)]


def test_a_ticket_whose_reply_is_lost_with_the_socket_is_issued_once_and_its_first_reply_arrives(
        qtbot, server, relay, make_link) -> None:
    kiosk = make_link(relay.url, server.tokens["kiosk"])
    seen = Outcomes(kiosk)
    relay.lose_replies()
    cid = kiosk.send(P.IssueTicket(id="kiosk-lost-1", service="estate"))
    qtbot.waitUntil(lambda: len(server.snapshot().tickets) == 1, timeout=3000)  # the server decided
    relay.cut()  # ... and its reply never reaches the kiosk
    qtbot.waitUntil(lambda: bool(seen.final(cid)), timeout=5000)
    qtbot.wait(300)
    assert issued(seen, cid) == [("finished", "kiosk-lost-1", "A001")]
    assert seen.retries(cid) == ["connection_lost"]
    assert [t.number for t in server.snapshot().tickets] == ["A001"]


def test_a_ticket_whose_reply_is_cut_off_by_a_server_restart_is_issued_once(qtbot, server, relay,
                                                                           make_link) -> None:
    kiosk = make_link(relay.url, server.tokens["kiosk"])
    seen = Outcomes(kiosk)
    relay.lose_replies()
    cid = kiosk.send(P.IssueTicket(id="kiosk-restart-1", service="social"))
    qtbot.waitUntil(lambda: len(server.snapshot().tickets) == 1, timeout=3000)
    server.stop()
    qtbot.waitUntil(lambda: kiosk.state != "online", timeout=5000)
    server.start()  # same port, same data: the stored reply survives
    qtbot.waitUntil(lambda: bool(seen.final(cid)), timeout=5000)
    qtbot.wait(300)
    assert issued(seen, cid) == [("finished", "kiosk-restart-1", "B001")]
    assert [t.number for t in server.snapshot().tickets] == ["B001"]


def test_a_late_reply_crossing_its_resend_gives_one_outcome_and_one_ticket(qtbot, server, relay,
                                                                          make_link) -> None:
    kiosk = make_link(relay.url, server.tokens["kiosk"], timings=QUICK)
    seen = Outcomes(kiosk)
    relay.hold_replies()
    cid = kiosk.send(P.IssueTicket(id="kiosk-slow-1", service="estate"))
    qtbot.waitUntil(lambda: len(seen.retries(cid)) >= 2, timeout=3000)  # re-sent twice on the same socket
    relay.release()  # the first reply and the replays of it arrive together
    qtbot.waitUntil(lambda: bool(seen.final(cid)), timeout=3000)
    qtbot.wait(300)
    assert issued(seen, cid) == [("finished", "kiosk-slow-1", "A001")]
    assert [t.number for t in server.snapshot().tickets] == ["A001"]
    assert kiosk.is_online

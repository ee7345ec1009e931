"""A swarm of bare WebSocket clients in one process (raw sockets + epoll): records when each announcement arrives.

Kept deliberately thin (no aiohttp, JSON parsed only for announcements) so that 500 clients
per process measure the server, not the client. Run as a child of bench.announce_latency:
  python -m bench.ws_swarm HOST PORT TOKEN COUNT OUTFILE
It prints "ready" once every client has its snapshot, and writes its samples when stdin closes.
"""
from __future__ import annotations

import base64
import json
import os
import selectors
import socket
import struct
import sys
import re
import time

# Each announcement object inside a change: {"type":"announce","version":..,"number":"A012",...,"recall":0,...}
ANNOUNCED = re.compile(rb'\{"type":"announce"[^}]*?"number":"([^"]+)"[^}]*?"recall":(\d+)')


def handshake(host: str, port: int, token: str) -> tuple[socket.socket, bytearray]:
    s = socket.create_connection((host, port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws?token={token} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed during handshake")
        head += chunk
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
    s.setblocking(False)
    return s, bytearray(head.split(b"\r\n\r\n", 1)[1])


def pong(payload: bytes) -> bytes:
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return struct.pack("!BB", 0x8A, 0x80 | len(payload)) + mask + masked


def main() -> None:
    host, port, token, count, outfile = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
    sel = selectors.DefaultSelector()
    socks = []
    buffers: dict[int, bytearray] = {}
    for _ in range(count):
        s, rest = handshake(host, port, token)
        socks.append(s)
        buffers[s.fileno()] = rest
        sel.register(s, selectors.EVENT_READ)
    sel.register(sys.stdin, selectors.EVENT_READ)
    samples: list[tuple[str, int, int]] = []  # (number, recall, monotonic ns)
    got_snapshot: set[int] = set()
    ready_sent = False
    deadline = time.monotonic() + 600  # bounded, whatever the driver does
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1.0):
            if key.fileobj is sys.stdin:
                if not sys.stdin.readline():
                    with open(outfile, "w") as f:
                        json.dump({"samples": samples, "snapshots": len(got_snapshot)}, f)
                    return
                continue
            s = key.fileobj
            try:
                data = s.recv(1 << 18)
            except BlockingIOError:
                continue
            now = time.monotonic_ns()
            if not data:
                sel.unregister(s)
                continue
            buf = buffers[s.fileno()]
            buf += data
            while len(buf) >= 2:
                b1, b2 = buf[0], buf[1]
                n, hdr = b2 & 0x7F, 2
                if n == 126:
                    if len(buf) < 4:
                        break
                    n, hdr = struct.unpack_from("!H", buf, 2)[0], 4
                elif n == 127:
                    if len(buf) < 10:
                        break
                    n, hdr = struct.unpack_from("!Q", buf, 2)[0], 10
                if len(buf) < hdr + n:
                    break
                payload = bytes(buf[hdr:hdr + n])
                del buf[:hdr + n]
                opcode = b1 & 0x0F
                if opcode == 0x9:
                    s.sendall(pong(payload))
                elif opcode == 0x1:
                    if b'"announcements":[{' in payload:
                        # A regex, not json.loads: 500 sockets per process must not turn client
                        # parsing time into the latency being measured.
                        for number, recall in ANNOUNCED.findall(payload):
                            samples.append((number.decode(), int(recall), now))
                    elif payload.startswith(b'{"type":"snapshot"'):
                        got_snapshot.add(s.fileno())
        if not ready_sent and len(got_snapshot) == count:
            print("ready", flush=True)
            ready_sent = True


if __name__ == "__main__":
    main()

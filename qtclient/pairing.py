"""The pairing text in a device token's QR code (shown once by the console's 设备令牌 screen), read back into the
device's --server and --token: hallq://pair?server=URL&token=T&role=R[&window=N], or a display's page URL
http(s)://HOST/display?token=T."""
from __future__ import annotations

import argparse
from urllib.parse import parse_qs, urlsplit


def parse_pairing(text: str) -> dict:
    """{"server", "token", "role", "window"} of a pairing text; ValueError saying what is wrong."""
    url = urlsplit(text.strip())
    fields = {k: v[-1] for k, v in parse_qs(url.query).items()}
    if url.scheme == "hallq" and url.netloc == "pair":
        server, role = fields.get("server", ""), fields.get("role", "")
    elif url.scheme in ("http", "https") and url.path.rstrip("/").endswith("/display"):
        server, role = f"{url.scheme}://{url.netloc}", "display"
    else:
        raise ValueError("not a hallq pairing text (hallq://pair?server=...&token=...)")
    token = fields.get("token", "")
    if not token or not urlsplit(server).scheme.startswith("http") or not urlsplit(server).netloc:
        raise ValueError("the pairing text lacks its server or token")
    window = fields.get("window")
    if window is not None and not window.isdigit():
        raise ValueError(f"the pairing text's window {window!r} is not a number")
    return {"server": server, "token": token, "role": role, "window": int(window) if window else None}


def apply_pairing(args: argparse.Namespace, role: str) -> None:
    """Fill args.server and args.token from args.pair (explicit --server/--token win); a text for another kind of
    device is refused (ValueError)."""
    if not getattr(args, "pair", None):
        return
    paired = parse_pairing(args.pair)
    if paired["role"] and paired["role"] != role:
        raise ValueError(f"this pairing text is for a {paired['role']} token, not a {role}")
    args.server = args.server or paired["server"]
    args.token = args.token or paired["token"]

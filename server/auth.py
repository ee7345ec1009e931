"""Who is asking: device tokens (random, stored as SHA-256) and clerk PINs (short, stored with scrypt)."""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

# supervisor: reads reports and the live hall, follows up 差评, and acts on the hall's day (opens and closes
# services, extends hours, cancels tickets, lifts PIN lockouts: each audited); does not change configuration or act
# at windows, except a remote sign-out.
ROLES = ("kiosk", "window", "display", "supervisor", "admin")


@dataclass(frozen=True)
class Principal:
    role: str
    name: str
    window: int | None = None
    key: str = ""  # stable per token, for idempotency caches
    token_hash: str = ""  # the stored SHA-256: revoking it ends this token's open sockets


def new_token() -> str:
    # "hq" first: a token never starts with "-" (which a command line would take for an option),
    # and a leaked one is easy to recognise in logs and secret scanners.
    return "hq" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; it is never reversible.
    return hashlib.sha256(token.encode()).hexdigest()


_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${salt.hex()}${digest.hex()}"


@functools.cache
def decoy_pin_hash() -> str:
    """Checked for unknown staff ids, so that they cost one scrypt like known ones (no timing oracle)."""
    return hash_pin(secrets.token_hex(8))


def check_pin(pin: str, stored: str | None) -> bool:
    """verify_pin, against the decoy when the staff id is unknown (None): the same cost either way."""
    return verify_pin(pin, stored or decoy_pin_hash()) and stored is not None


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=8, p=1)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)

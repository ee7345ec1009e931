"""A throwaway PostgreSQL cluster for the city server's tests and benchmark (and a try-out): initdb + pg_ctl in a temp dir.

As root, initdb refuses to run: the cluster belongs to the `postgres` user (runuser), as in
../shared/PLATFORM.md. The port is a free one on 127.0.0.1; the socket lives in the temp dir.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (scripts/setup.sh installs `postgresql`)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, *, durable: bool = False) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="hallq-pg-"))
        self.port = free_port()
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(_bin("initdb"), "-D", str(self.dir / "pg"), "-A", "trust", "-U", "hallq", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        conf = self.dir / "pg" / "postgresql.conf"
        with open(conf, "a") as f:
            f.write("\nshared_buffers = 256MB\nmax_wal_size = 2GB\n")
            if not durable:  # a test cluster: speed over durability (the benchmark keeps Debian's defaults)
                f.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        self.start()

    def _run(self, *cmd: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if self.root else list(cmd)
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir)

    def dsn(self, db: str = "postgres") -> str:
        return f"postgresql://hallq@127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.dir / "pg"), "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "-l", str(self.dir / "log"), "-w",
                  "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.dir / "pg"), "-m", mode, "-w", "stop")

    def create_db(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

"""The whole hosting stack on one machine: several `streamlit run app.py` processes behind
nginx (Debian's package, sticky sessions, websocket upgrade), sharing one PostgreSQL.

    python3 deploy/stack.py [--processes 2] [--port 8080] [--database-url URL]

With no --database-url it starts a throwaway PostgreSQL cluster (initdb + pg_ctl, as the
postgres user when run as root) in a temporary folder, removed on exit. It prints the
address and runs until Ctrl-C. The tests and bench/load.py start the same stack through
`Stack`, and single app processes through `start_app`.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy within {timeout:.0f} s")


def start_app(port: int, *, env: dict[str, str], log: Path, script: str = "app.py", extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """`streamlit run` on 127.0.0.1:port with the project's .streamlit/config.toml; returns
    once it answers its health check."""
    with open(log, "a") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *extra,
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process)
    except RuntimeError as exc:
        stop(process)
        raise RuntimeError(f"{exc}\n{log.read_text()[-3000:]}") from None
    return process


def stop(process: subprocess.Popen, *, timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def missing() -> list[str]:
    """The Debian packages the whole stack needs that this machine lacks."""
    absent = []
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        absent.append("nginx")
    if not (postgres_bin("initdb") and postgres_bin("pg_ctl")):
        absent.append("postgresql")
    return absent


@contextlib.contextmanager
def postgres(base: Path, *, max_connections: int = 200):
    """A throwaway PostgreSQL cluster on a free port; yields its SQLAlchemy URL."""
    initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
    base.mkdir(parents=True, exist_ok=True)
    data, sockets = base / "pgdata", base / "pgsock"
    sockets.mkdir(exist_ok=True)
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        for path in (base, sockets):
            shutil.chown(path, "postgres")
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, text=True)

    run(initdb, "-D", str(data), "-U", "app", "--auth=trust", "-E", "UTF8")
    run(
        pg_ctl,
        "-D",
        str(data),
        "-w",
        "-l",
        str(base / "postgres.log"),
        "-o",
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections={max_connections} -c synchronous_commit=on -c fsync=on",
        "start",
    )
    try:
        yield f"postgresql+psycopg://app@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-w", "-m", "fast", "stop"], capture_output=True)


def nginx_conf(listen_port: int, app_ports: list[int]) -> str:
    upstreams = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in app_ports)
    return NGINX_TEMPLATE.read_text().replace("{{UPSTREAMS}}", upstreams).replace("{{LISTEN}}", f"127.0.0.1:{listen_port}")


def start_nginx(prefix: Path, listen_port: int, app_ports: list[int]) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        raise RuntimeError("nginx is not installed (apt-get install -y nginx)")
    for folder in ("logs", "tmp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(listen_port, app_ports))
    process = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=open(prefix / "logs" / "stderr.log", "a"),
        start_new_session=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{listen_port}", process, timeout=20)
    except RuntimeError as exc:
        stop(process)
        raise RuntimeError(f"{exc}\n{(prefix / 'logs' / 'error.log').read_text()[-2000:]}") from None
    return process


@dataclass
class Stack:
    """App processes behind nginx on one database; a context manager."""

    processes: int = 2
    port: int = 0
    database_url: str | None = None
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cd-stack-")))
    script: str = "app.py"  # bench/load.py --bare-on-stack serves its bare page this way too
    apps: list[subprocess.Popen] = field(default_factory=list)
    app_ports: list[int] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    # Shared by every app process: the wrong-join-code records are keyed with it.
    secret: str = field(default_factory=lambda: os.environ.get("COMMISSIONING_SECRET") or secrets.token_urlsafe(32))
    _exit: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Stack":
        # PostgreSQL runs as the postgres user and nginx's workers as nobody: both must be
        # able to pass through this folder (mkdtemp makes it private to its owner).
        self.base.mkdir(parents=True, exist_ok=True)
        self.base.chmod(0o711)
        try:
            if not self.database_url:
                self.database_url = self._exit.enter_context(postgres(self.base / "postgres"))
            self.port = self.port or free_port()
            for number in range(self.processes):
                self.start_app(number)
            self.nginx = start_nginx(self.base / "nginx", self.port, self.app_ports)
        except BaseException:
            self.__exit__()
            raise
        return self

    def start_app(self, number: int) -> subprocess.Popen:
        """Start app process `number` (again, on its old port, after a crash)."""
        if number < len(self.app_ports):
            port = self.app_ports[number]
        else:
            port = free_port()
            self.app_ports.append(port)
        env = {"COMMISSIONING_DATABASE_URL": self.database_url, "COMMISSIONING_SECRET": self.secret}
        process = start_app(port, env=env, log=self.base / f"app-{number}.log", script=self.script)
        if number < len(self.apps):
            self.apps[number] = process
        else:
            self.apps.append(process)
        return process

    def __exit__(self, *_exc) -> None:
        for process in [self.nginx, *self.apps]:
            if process is not None:
                stop(process)
        self._exit.close()
        shutil.rmtree(self.base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="app processes (each uses about one core)")
    parser.add_argument("--port", type=int, default=8080, help="nginx listens on 127.0.0.1:PORT")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL URL; default: a throwaway cluster")
    args = parser.parse_args()
    with Stack(args.processes, args.port, args.database_url) as stack:
        print(f"{stack.url} : nginx -> {len(stack.apps)} app processes on ports {stack.app_ports}", flush=True)
        print("Ctrl-C stops everything" + ("" if args.database_url else " and deletes the throwaway database"), flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while all(app.poll() is None for app in stack.apps):
                time.sleep(1)
            print("an app process stopped; stopping the stack", file=sys.stderr)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

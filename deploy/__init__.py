"""N Streamlit replicas of the app behind nginx, with cookie-based session affinity.

``python -m deploy`` (see ``--help``) is the one command; :class:`Deployment` is the same thing as a
context manager for tests and ``benchmarks/load_test.py``.

Why replicas: one Streamlit server runs every session's script in one Python process, so one core
does the work of a whole class. Each replica is ``streamlit run serve.py`` on its own loopback port;
nginx (Debian's package, installed with apt-get when missing) listens on the public port, proxies
the websocket, and keeps each browser on one replica with a cookie it sets itself (see
``nginx.conf.template``). A replica that exits is started again on the same port; its browsers
reconnect (through nginx, to whichever replica is up) and get a fresh session (see README).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")
STARTUP_TIMEOUT_S = 120


def max_body() -> str:
    """nginx's request-body cap: Streamlit's ``server.maxUploadSize`` (MB, .streamlit/config.toml) plus
    1 MB for the multipart framing, so nginx refuses (413) what Streamlit would refuse anyway."""
    try:
        with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
            megabytes = int(tomllib.load(f).get("server", {}).get("maxUploadSize", 200))
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        megabytes = 200  # Streamlit's default
    return f"{megabytes + 1}m"


def default_replicas() -> int:
    """One replica per CPU this process may use: its CPU affinity, capped by a cgroup v2 CPU quota
    (``docker run --cpus``), since ``os.cpu_count()`` counts the host's CPUs inside a container."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, round(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cpus


def find_nginx() -> str | None:
    """The nginx binary, or None."""
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)


def ensure_nginx() -> str:
    """The nginx binary; installs Debian's package with apt-get when it is missing (as root)."""
    found = find_nginx()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("nginx is missing: install it (sudo apt-get install nginx) and run this again")
    print("nginx is missing: installing Debian's package with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "nginx"], check=True, env=env)
    found = find_nginx()
    if not found:
        raise SystemExit("apt-get install nginx finished but no nginx binary was found")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def render_config(
    replica_ports: list[int], listen: str, runtime: Path, worker_processes: int | str = "auto"
) -> str:
    """nginx.conf for ``replica_ports`` (loopback), listening on ``listen`` ("host:port")."""
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in replica_ports
    )
    replica_groups = "\n".join(
        f"    upstream replica{i} {{\n"
        + "".join(
            f"        server 127.0.0.1:{other} max_fails=1 fail_timeout=5s{'' if other == port else ' backup'};\n"
            for other in [port, *(q for q in replica_ports if q != port)]
        )
        + "        keepalive 8;\n    }"
        for i, port in enumerate(replica_ports)
    )
    group_map = "\n".join(f'        "{i}" replica{i};' for i in range(len(replica_ports)))
    replica_of_addr = "\n".join(
        f'        "~127\\.0\\.0\\.1:{port}$" {i};' for i, port in enumerate(replica_ports)
    )
    return string.Template(TEMPLATE.read_text()).substitute(
        replicas=len(replica_ports),
        servers=servers,
        replica_groups=replica_groups,
        group_map=group_map,
        replica_of_addr=replica_of_addr,
        listen=listen,
        runtime=runtime,
        worker_processes=worker_processes,
        mime_types=next((p for p in ("/etc/nginx/mime.types",) if os.path.exists(p)), runtime / "mime.types"),
        max_body=max_body(),
    )


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM if the launcher dies, so no replica outlives ``python -m deploy``."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def replica_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", "serve.py",
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
    ]  # fmt: skip


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


class Route(NamedTuple):
    """One request in nginx's access log: the replica that answered it (its index, None if unknown),
    the request line, and the replica the browser's cookie named (None: no cookie yet)."""

    replica: int | None
    request: str
    named: str | None


@dataclass
class Replica:
    index: int
    port: int
    proc: subprocess.Popen | None = None
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Deployment:
    """``replicas`` Streamlit processes behind nginx on ``host:port``; ``start()``/``stop()`` or ``with``."""

    replicas: int = field(default_factory=default_replicas)
    port: int = 8080
    host: str = "0.0.0.0"
    runtime: Path | None = None
    log: bool = False  # print what happens (the command line does)
    keep_runtime: bool = False  # keep the generated config and logs (the command line does)
    held: set[int] = field(default_factory=set)  # replicas not to restart yet (tests hold one down)
    nodes: list[Replica] = field(default_factory=list, init=False)
    nginx: subprocess.Popen | None = field(default=None, init=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _watcher: threading.Thread | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.runtime / "access.log"

    def say(self, text: str) -> None:
        if self.log:
            print(text, flush=True)

    # ---- replicas -------------------------------------------------------------------------------
    def _spawn(self, node: Replica) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", STREAMLIT_SERVER_COOKIE_SECRET=self._secret)
        log = open(self.runtime / f"replica-{node.index}.log", "ab")  # noqa: SIM115 - closed below
        try:
            node.proc = subprocess.Popen(
                replica_command(node.port), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent,
            )  # fmt: skip
        finally:
            log.close()

    def _wait_healthy(self, nodes: list[Replica], timeout: float = STARTUP_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(nodes)
        while waiting:
            for node in list(waiting):
                if node.proc.poll() is not None:
                    log = (self.runtime / f"replica-{node.index}.log").read_text(errors="replace")
                    raise RuntimeError(
                        f"replica {node.index} exited ({node.proc.returncode}):\n{log[-2000:]}"
                    )
                if healthy(node.url):
                    waiting.remove(node)
            if time.monotonic() > deadline:
                raise RuntimeError(f"replicas {[n.index for n in waiting]} not healthy within {timeout} s")
            time.sleep(0.2)

    def replica_pids(self) -> list[int]:
        return [node.proc.pid for node in self.nodes if node.proc is not None]

    def replica_of(self, upstream: str) -> int | None:
        """Index of the replica at ``upstream`` ("127.0.0.1:port", as nginx logs it)."""
        port = upstream.rsplit(":", 1)[-1]
        return next((n.index for n in self.nodes if str(n.port) == port), None)

    def routes(self) -> dict[str, list[Route]]:
        """From nginx's access log: browser id -> its requests, in log order (a websocket is logged
        when it closes). A request retried on another replica counts there."""
        out: dict[str, list[Route]] = {}
        if not self.access_log.exists():
            return out
        for line in self.access_log.read_text(errors="replace").splitlines():
            m = re.search(r'key=(\S+) named=(\S*) upstream=(.*?) status=\d+ "([^"]*)"', line)
            if m:
                last = m.group(3).split(",")[-1].strip()
                named = m.group(2) if m.group(2) not in ("", "-") else None
                out.setdefault(m.group(1), []).append(Route(self.replica_of(last), m.group(4), named))
        return out

    def replica_for(self, key: str) -> int | None:
        """The replica nginx sends a browser with cookie ``optviz_replica=key`` to (one request)."""
        probe = f"probe-{time.monotonic_ns()}"  # this request's browser id in the access log
        request = urllib.request.Request(
            f"{self.url}/_stcore/health", headers={"Cookie": f"optviz_replica={key}; optviz_browser={probe}"}
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            r.read()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # nginx writes the log line just after the answer
            hits = [r.replica for r in self.routes().get(probe, []) if "/_stcore/health" in r.request]
            if hits:
                return hits[-1]
            time.sleep(0.05)
        return None

    def kill_replica(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Kill one replica (what a crash or an out-of-memory kill does); the watcher restarts it."""
        self.nodes[index].proc.send_signal(sig)

    def check(self) -> None:
        """Start again every replica that exited (same port), unless the deployment is stopping."""
        with self._lock:
            for node in self.nodes:
                if (
                    self._stopping.is_set()
                    or node.proc is None
                    or node.proc.poll() is None
                    or node.index in self.held
                ):
                    continue
                self.say(
                    f"replica {node.index} (port {node.port}) exited ({node.proc.returncode}): restarting"
                )
                node.restarts += 1
                self._spawn(node)
        if self.nginx is not None and self.nginx.poll() is not None and not self._stopping.is_set():
            raise RuntimeError(f"nginx exited ({self.nginx.returncode}); see {self.runtime / 'error.log'}")

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            try:
                self.check()
            except RuntimeError as error:
                self.say(str(error))
                return

    # ---- whole deployment -----------------------------------------------------------------------
    def start(self) -> Deployment:
        if self.replicas < 1:
            raise ValueError(f"replicas must be at least 1, got {self.replicas}")
        nginx = ensure_nginx()
        if not port_free(self.host, self.port):
            raise RuntimeError(f"port {self.port} on {self.host} is in use: choose another with --port")
        self._owned = self.runtime is None
        if self.runtime is None:
            self.runtime = Path(tempfile.mkdtemp(prefix="optviz-deploy-"))
        self.runtime.mkdir(parents=True, exist_ok=True)
        # nginx's workers drop root for nobody: they must reach the temp folders inside.
        self.runtime.chmod(0o755)
        self._secret = secrets.token_hex(32)  # one cookie secret for every replica
        self.nodes = [Replica(i, free_port()) for i in range(self.replicas)]
        try:
            for node in self.nodes:
                self._spawn(node)
            self.say(f"starting {self.replicas} replica(s) on ports {[n.port for n in self.nodes]}")
            self._wait_healthy(self.nodes)
            conf = self.runtime / "nginx.conf"
            conf.write_text(
                render_config([n.port for n in self.nodes], f"{self.host}:{self.port}", self.runtime)
            )
            test = subprocess.run(
                [nginx, "-t", "-q", "-c", str(conf), "-e", "stderr"], capture_output=True, text=True
            )
            if test.returncode:
                raise RuntimeError(f"nginx rejected {conf}:\n{test.stderr}")
            self.nginx = subprocess.Popen(
                [nginx, "-c", str(conf), "-e", str(self.runtime / "error.log")],
                stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent,
            )  # fmt: skip
            deadline = time.monotonic() + 30
            while self.nginx.poll() is not None or not healthy(self.url):
                if self.nginx.poll() is not None or time.monotonic() > deadline:
                    error = (self.runtime / "error.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"nginx did not start on {self.host}:{self.port}:\n{error}")
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        self._watcher = threading.Thread(target=self._watch, name="replica-watcher", daemon=True)
        self._watcher.start()
        self.say(f"serving {self.url} (nginx -> {self.replicas} replica(s)); logs in {self.runtime}")
        return self

    def stop(self) -> None:
        """Stop nginx, then every replica (SIGTERM, SIGKILL after 15 s); safe to call twice."""
        self._stopping.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=5)
        with self._lock:
            procs = ([self.nginx] if self.nginx else []) + [n.proc for n in self.nodes if n.proc]
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=15)
        if getattr(self, "_owned", False) and not self.keep_runtime and self.runtime is not None:
            shutil.rmtree(self.runtime, ignore_errors=True)

    def __enter__(self) -> Deployment:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

"""Start, check, report and stop the local OpenSearch node and Tika server.

Each service started here writes a pid file (JSON: pid, port, version, heap, log)
under ``<data_dir>/services``; ``stop`` only signals processes recorded there whose
command line still is the one we started, so nothing else is ever killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from innsyn.backends.artifacts import ensure_opensearch, ensure_tika
from innsyn.backends.java import ServiceError, find_java
from innsyn.backends.pdf import tiny_pdf
from innsyn.config import Settings

Echo = Callable[[str], None]
RUNNER_MAIN = "org.codelibs.opensearch.runner.OpenSearchRunner"
PROBE_TEXT = "Innsyn health probe"


@dataclass
class ServiceStatus:
    name: str
    url: str
    running: bool
    pid: int | None
    version: str | None
    heap: str | None
    detail: str


def _pid_file(settings: Settings, name: str) -> Path:
    return settings.services_dir / f"{name}.pid.json"


def _log_file(settings: Settings, name: str) -> Path:
    return settings.services_dir / f"{name}.log"


def _read_pid_file(settings: Settings, name: str) -> dict[str, Any] | None:
    path = _pid_file(settings, name)
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    except (OSError, ValueError):
        return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _our_process_alive(record: dict[str, Any]) -> bool:
    pid = int(record.get("pid", 0))
    marker = str(record.get("marker", ""))
    return pid > 0 and bool(marker) and marker in _cmdline(pid)


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((host, port)) == 0


def _log_tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log written)"


def opensearch_url(settings: Settings) -> str:
    return f"http://{settings.services_host}:{settings.opensearch_port}"


def tika_url(settings: Settings) -> str:
    return f"http://{settings.services_host}:{settings.tika_port}"


def _launch(
    settings: Settings, name: str, argv: list[str], port: int, marker: str, version: str, heap: str
) -> dict[str, Any]:
    settings.services_dir.mkdir(parents=True, exist_ok=True)
    log_path = _log_file(settings, name)
    log = log_path.open("ab")
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=settings.services_dir,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 5.0
    while marker not in _cmdline(proc.pid) and proc.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    record = {
        "pid": proc.pid,
        "port": port,
        "host": settings.services_host,
        "version": version,
        "heap": heap,
        "marker": marker,
        "log": str(log_path),
        "started_at": time.time(),
    }
    _pid_file(settings, name).write_text(json.dumps(record))
    return record


def _wait_healthy(
    settings: Settings, name: str, record: dict[str, Any], check: Callable[[], bool]
) -> None:
    deadline = time.monotonic() + settings.service_start_timeout
    while time.monotonic() < deadline:
        if not _our_process_alive(record):
            _pid_file(settings, name).unlink(missing_ok=True)
            raise ServiceError(
                f"{name} exited during start-up. Last lines of {record['log']}:\n"
                + _log_tail(Path(record["log"]))
            )
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(1.0)
    _terminate(record)
    _pid_file(settings, name).unlink(missing_ok=True)
    raise ServiceError(
        f"{name} did not become healthy within {settings.service_start_timeout:.0f} s "
        f"(INNSYN_SERVICE_START_TIMEOUT). Last lines of {record['log']}:\n"
        + _log_tail(Path(record["log"]))
    )


def _opensearch_healthy(url: str) -> bool:
    with httpx.Client(timeout=5.0) as client:
        health = client.get(f"{url}/_cluster/health")
        return health.status_code == 200 and health.json().get("status") in ("green", "yellow")


def check_norwegian_analyzer(url: str) -> None:
    """Raise unless the ``norwegian`` analyzer stems ``søknadene`` to ``søknad``."""
    with httpx.Client(timeout=10.0) as client:
        resp = client.post(f"{url}/_analyze", json={"analyzer": "norwegian", "text": "søknadene"})
    tokens = [t["token"] for t in resp.json().get("tokens", [])] if resp.is_success else []
    if tokens != ["søknad"]:
        raise ServiceError(
            f"OpenSearch at {url} has no working 'norwegian' analyzer "
            f"(analysis-common missing?): got {resp.status_code} {tokens}"
        )


def check_tika_parses_pdf(url: str) -> None:
    """Raise unless Tika extracts the text of a small generated PDF."""
    with httpx.Client(timeout=30.0) as client:
        resp = client.put(
            f"{url}/tika",
            content=tiny_pdf(PROBE_TEXT),
            headers={"Accept": "text/plain", "Content-Type": "application/pdf"},
        )
    if resp.status_code != 200 or PROBE_TEXT not in resp.text:
        raise ServiceError(f"Tika at {url} did not parse a test PDF: HTTP {resp.status_code}")


def _tika_healthy(url: str) -> bool:
    with httpx.Client(timeout=5.0) as client:
        return client.get(f"{url}/version").status_code == 200


def _already_running(settings: Settings, name: str, echo: Echo) -> dict[str, Any] | None:
    record = _read_pid_file(settings, name)
    if record and _our_process_alive(record):
        echo(f"{name} already running (pid {record['pid']}, port {record['port']})")
        return record
    if record:
        _pid_file(settings, name).unlink(missing_ok=True)
    return None


def _ensure_port_free(settings: Settings, name: str, port: int, variable: str) -> None:
    if _port_in_use(settings.services_host, port):
        raise ServiceError(
            f"Port {port} on {settings.services_host} is already taken by another process, "
            f"so {name} cannot start there. Stop that process, or choose another port with "
            f"{variable}=<port>."
        )


def start_opensearch(settings: Settings, echo: Echo) -> dict[str, Any]:
    """Start (or find running) the local OpenSearch node; return its pid record."""
    running = _already_running(settings, "opensearch", echo)
    if running:
        return running
    major_needed = 21 if int(settings.opensearch_version.split(".")[0]) >= 3 else 17
    java = find_java(settings.java_home, major_needed)
    _ensure_port_free(settings, "OpenSearch", settings.opensearch_port, "INNSYN_OPENSEARCH_PORT")
    lib = ensure_opensearch(settings, echo)
    base = settings.services_dir / "opensearch"
    base.mkdir(parents=True, exist_ok=True)
    cluster = f"innsyn-{settings.opensearch_port}"
    argv = [
        java.executable,
        f"-Xms{settings.opensearch_heap}",
        f"-Xmx{settings.opensearch_heap}",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        "-Dlog4j2.formatMsgNoLookups=true",
        f"-Dinnsyn.service={cluster}",
        "-cp",
        f"{lib}/*",
        RUNNER_MAIN,
        "-basePath",
        str(base),
        "-numOfNode",
        "1",
        "-baseHttpPort",
        str(settings.opensearch_port - 1),
        "-clusterName",
        cluster,
    ]
    echo(
        f"Starting OpenSearch {settings.opensearch_version} on "
        f"{opensearch_url(settings)} (heap {settings.opensearch_heap}, java {java.major})…"
    )
    record = _launch(
        settings,
        "opensearch",
        argv,
        settings.opensearch_port,
        f"-Dinnsyn.service={cluster}",
        settings.opensearch_version,
        settings.opensearch_heap,
    )
    url = opensearch_url(settings)
    _wait_healthy(settings, "opensearch", record, lambda: _opensearch_healthy(url))
    check_norwegian_analyzer(url)
    echo(f"OpenSearch is up: {url} (pid {record['pid']}); 'norwegian' analyzer checked")
    return record


def start_tika(settings: Settings, echo: Echo) -> dict[str, Any]:
    """Start (or find running) the local Tika server; return its pid record."""
    running = _already_running(settings, "tika", echo)
    if running:
        return running
    java = find_java(settings.java_home, 11)
    _ensure_port_free(settings, "Tika", settings.tika_port, "INNSYN_TIKA_PORT")
    jar = ensure_tika(settings, echo)
    marker = f"-Dinnsyn.service=tika-{settings.tika_port}"
    argv = [
        java.executable,
        f"-Xmx{settings.tika_heap}",
        "-Djava.awt.headless=true",
        marker,
        "-jar",
        str(jar),
        "--host",
        settings.services_host,
        "--port",
        str(settings.tika_port),
    ]
    echo(
        f"Starting Tika {settings.tika_version} on {tika_url(settings)} "
        f"(heap {settings.tika_heap})…"
    )
    record = _launch(
        settings,
        "tika",
        argv,
        settings.tika_port,
        marker,
        settings.tika_version,
        settings.tika_heap,
    )
    url = tika_url(settings)
    _wait_healthy(settings, "tika", record, lambda: _tika_healthy(url))
    check_tika_parses_pdf(url)
    echo(f"Tika is up: {url} (pid {record['pid']}); PDF parsing checked")
    return record


def up(settings: Settings, echo: Echo) -> None:
    """Start both services; raise ``ServiceError`` with an actionable message on failure."""
    start_opensearch(settings, echo)
    start_tika(settings, echo)


def _terminate(record: dict[str, Any], timeout: float = 30.0) -> bool:
    if not _our_process_alive(record):
        return False
    pid = int(record["pid"])
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _our_process_alive(record):
            _reap(pid)
            return True
        _reap(pid)
        time.sleep(0.3)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    _reap(pid)
    return True


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def stop(settings: Settings, name: str, echo: Echo) -> bool:
    """Stop one service (``opensearch`` or ``tika``) if we started it; True if it ran."""
    record = _read_pid_file(settings, name)
    if record is None:
        echo(f"{name}: not started by innsyn here")
        return False
    stopped = _terminate(record)
    if stopped:
        echo(f"{name}: stopped (pid {record['pid']})")
    else:
        echo(f"{name}: was not running (stale pid file removed)")
    _pid_file(settings, name).unlink(missing_ok=True)
    return stopped


def down(settings: Settings, echo: Echo) -> None:
    """Stop exactly the services recorded in our pid files."""
    for name in ("tika", "opensearch"):
        stop(settings, name, echo)


def status(settings: Settings) -> list[ServiceStatus]:
    """What runs: for each service its URL, pid, version and heap."""
    result = []
    os_url = opensearch_url(settings)
    record = _read_pid_file(settings, "opensearch")
    alive = bool(record and _our_process_alive(record))
    version = heap = None
    detail = "not running"
    try:
        with httpx.Client(timeout=3.0) as client:
            info = client.get(os_url).json()
            version = info["version"]["number"]
            nodes = client.get(f"{os_url}/_nodes/stats/jvm").json()["nodes"]
            heap_max = sum(n["jvm"]["mem"]["heap_max_in_bytes"] for n in nodes.values())
            heap_used = sum(n["jvm"]["mem"]["heap_used_in_bytes"] for n in nodes.values())
            heap = f"{heap_used // 2**20} MB used of {heap_max // 2**20} MB"
            health = client.get(f"{os_url}/_cluster/health").json()
            detail = f"cluster {health['cluster_name']} {health['status']}"
    except (httpx.HTTPError, ValueError, KeyError):
        pass
    result.append(
        ServiceStatus(
            "opensearch",
            os_url,
            alive or version is not None,
            int(record["pid"]) if alive and record else None,
            version,
            heap or (record or {}).get("heap"),
            detail,
        )
    )
    t_url = tika_url(settings)
    record = _read_pid_file(settings, "tika")
    alive = bool(record and _our_process_alive(record))
    version = None
    detail = "not running"
    try:
        with httpx.Client(timeout=3.0) as client:
            resp = client.get(f"{t_url}/version")
            if resp.status_code == 200:
                version = resp.text.strip()
                detail = "answering"
    except httpx.HTTPError:
        pass
    result.append(
        ServiceStatus(
            "tika",
            t_url,
            alive or version is not None,
            int(record["pid"]) if alive and record else None,
            version,
            (record or {}).get("heap"),
            detail,
        )
    )
    return result


def install_ocr(echo: Echo, settings: Settings | None = None) -> None:
    """Install what the OCR worker needs from Debian: poppler (renders pages) and
    tesseract with the configured languages and orientation detection."""
    from innsyn.ocr.engine import OcrToolMissing, check_tools

    settings = settings or Settings()
    try:
        check_tools(settings)
        echo("OCR tools are installed (poppler, tesseract with its languages)")
        return
    except OcrToolMissing as exc:
        missing = str(exc)
    langs = [*settings.ocr_languages.split("+"), "osd"]
    packages = ["poppler-utils", "tesseract-ocr", *(f"tesseract-ocr-{lang}" for lang in langs)]
    if os.geteuid() != 0:
        raise ServiceError(
            f"OCR: {missing}; run as root or: sudo apt-get install -y {' '.join(packages)}"
        )
    echo(f"Installing {' '.join(packages)} with apt-get…")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", *packages],
    ):
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            raise ServiceError(f"{' '.join(argv)} failed:\n{proc.stderr[-2000:]}")
    echo("OCR tools installed; 'innsyn scheduler' or 'innsyn ocr run' read scanned pages")

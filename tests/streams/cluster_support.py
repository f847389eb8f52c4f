"""A real Redis Cluster for the tests: three masters and three replicas of redis-server on free loopback ports.

Made with ``redis-cli --cluster create ... --cluster-replicas 1 --cluster-yes`` in a temporary directory,
with ``cluster-node-timeout 2000``; every process is stopped by its PID afterwards. Without
``redis-server`` or ``redis-cli`` the tests skip, unless ``THRILLDROPS_REQUIRE_REDIS=1`` makes them fail.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.cluster import ClusterNode, RedisCluster

NODE_TIMEOUT_MS = 2000
_DEADLINE = 60.0  # seconds to wait for the cluster to form or heal; a guard against hangs, not a speed check


def cluster_binaries() -> tuple[str, str]:
    server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
    if server is None or cli is None:
        hint = ("redis-server and redis-cli not found on PATH; install them to run the Redis Cluster tests: "
                "`sudo apt-get install redis-server` (Debian/Ubuntu, redis-cli comes with it) or `brew install redis`")
        if os.environ.get("THRILLDROPS_REQUIRE_REDIS") == "1":
            pytest.fail(f"THRILLDROPS_REQUIRE_REDIS=1 but {hint}", pytrace=False)
        pytest.skip(hint)
    return server, cli


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_ports(count: int) -> list[int]:
    """Ports free, with their cluster bus ports (port + 10000) free too."""
    ports: list[int] = []
    while len(ports) < count:
        port = random.randint(20_000, 50_000)
        if port not in ports and _free(port) and _free(port + 10_000):
            ports.append(port)
    return ports


def wait_for(condition: Any, what: str, timeout: float = _DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except (redis.RedisError, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout}s")
        time.sleep(0.05)


@dataclass
class Node:
    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)


@dataclass
class LocalCluster:
    """Six redis-server processes made into a cluster."""

    server: str
    cli: str
    root: Path
    nodes: list[Node] = field(default_factory=list)
    clients: list[Any] = field(default_factory=list)

    def start_node(self, node: Node) -> None:
        node.directory.mkdir(exist_ok=True)
        command = [self.server, "--port", str(node.port), "--bind", "127.0.0.1", "--dir", str(node.directory),
                   "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                   "--cluster-node-timeout", str(NODE_TIMEOUT_MS), "--appendonly", "no", "--save", "",
                   "--repl-diskless-sync-delay", "0", "--daemonize", "no",
                   "--logfile", str(node.directory / "redis.log")]
        node.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        probe = node.client()
        try:
            wait_for(probe.ping, f"redis-server on port {node.port} answering")
        finally:
            probe.close()

    def start(self) -> None:
        for port in _free_ports(6):
            self.nodes.append(Node(port, self.root / f"node-{port}"))
        for node in self.nodes:
            self.start_node(node)
        addresses = [f"127.0.0.1:{node.port}" for node in self.nodes]
        subprocess.run([self.cli, "--cluster", "create", *addresses, "--cluster-replicas", "1", "--cluster-yes"],
                       check=True, capture_output=True, timeout=120)
        self.wait_healthy(masters=3, replicas=3)

    def _view(self, node: Node) -> tuple[str, int, int]:
        probe = node.client()
        try:
            info = probe.cluster("info")
            nodes: dict[str, Any] = probe.cluster("nodes")  # parsed by redis-py: address -> {"flags": ...}
            roles = [row["flags"] for row in nodes.values() if "fail" not in row["flags"]]
        finally:
            probe.close()
        masters = sum("master" in flags for flags in roles)
        return info["cluster_state"], masters, len(roles) - masters

    def wait_healthy(self, *, masters: int, replicas: int) -> None:
        """Every running node sees the cluster ``ok``, with this many live masters and replicas."""
        def healthy() -> bool:
            views = [self._view(node) for node in self.nodes if node.process is not None]
            return all(view == ("ok", masters, replicas) for view in views)
        wait_for(healthy, f"a healthy cluster of {masters} masters and {replicas} replicas")

    def client(self, **options: Any) -> RedisCluster:
        made = RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", node.port) for node in self.nodes], **options)
        self.clients.append(made)
        return made

    def node_serving(self, key: str) -> Node:
        probe = self.client()
        master = probe.get_node_from_key(key)  # type: ignore[no-untyped-call]
        return next(node for node in self.nodes if node.port == master.port)

    def kill(self, node: Node) -> None:
        assert node.process is not None
        os.kill(node.process.pid, signal.SIGKILL)
        node.process.wait(timeout=30)
        node.process = None

    def stop(self) -> None:
        for made in self.clients:
            made.close()
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                os.kill(node.process.pid, signal.SIGTERM)
                try:
                    node.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.kill(node.process.pid, signal.SIGKILL)
                    node.process.wait()
            node.process = None


def stream_names_on_every_master(cluster: LocalCluster, patterns: list[str]) -> list[str]:
    """One stream name per master, taken from ``pattern.format(n)`` for n = 0, 1, 2...; each pattern used once."""
    probe = cluster.client()
    chosen: dict[int, str] = {}
    for pattern in patterns:
        for number in range(1000):
            name = pattern.format(number)
            port = probe.get_node_from_key(name).port  # type: ignore[no-untyped-call]
            if port not in chosen:
                chosen[port] = name
                break
    assert len(chosen) == 3, chosen
    return list(chosen.values())

"""What the fault tests share: free loopback ports and the real samples they harvest."""

from __future__ import annotations

import socket
from collections.abc import Iterable

MIXED = "documaster-nev-samples/0.2.0/valid-mixed-archive/extraction"
MIXED_ENTRIES = 7
SMALL = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData/Noark5/Small"


def free_port(candidates: Iterable[int]) -> int:
    """The first port of ``candidates`` nobody listens on at 127.0.0.1."""
    tried = []
    for port in candidates:
        tried.append(port)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port among {tried}")

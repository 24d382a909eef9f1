"""Read a harvester's records in a child process while the harvest stores and indexes.

Parsing a large extraction and detecting its titles' languages is pure CPU work; in the
harvesting process it shares one interpreter (one core, because of the GIL) with
writing the store and building index documents. ``ChildReader`` runs the harvester's
``records()`` in a child Python (``python -m innsyn.harvest.reader``: a fresh
interpreter, safe beside the scheduler's threads, and unlike ``multiprocessing``'s spawn
it never runs the parent's main script again), detects each title's language there, and
hands the records over as pickled batches through a pipe, so the two halves run on two
cores and the pipe bounds the memory in between.

Only harvesters that say so (``Harvester.offload_size``: a local source, no shared HTTP
client, records that pickle) are read this way, and only sources large enough for the
child's start (about half a second of imports) to pay off. The child stops with the
run: when the harvest fails, is interrupted or stops reading, and when the parent dies
(its pipe breaks); an error in the child is raised again in the parent with its type
and message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import IO, Any, BinaryIO

from innsyn import language
from innsyn.harvest.contract import Harvester, HarvestError
from innsyn.harvest.records import JournalpostRecord, Record, SaksmappeRecord
from innsyn.language import detect_title_language

BATCH = 256
"""Records per message: large enough that pickling is cheap per record."""
_HEADER = struct.Struct("!I")


def with_title_language(rec: Record) -> Record:
    """``rec`` with its public title's language filled in (as the writer would detect it)."""
    if isinstance(rec, JournalpostRecord | SaksmappeRecord) and rec.tittel_language is None:
        return replace(rec, tittel_language=detect_title_language(rec.offentlig_tittel))
    return rec


class ChildReader:
    """The records of ``harvester`` read in a child process; iterate once.

    After the iteration ends normally, ``harvester.state`` holds the state the child's
    copy of it reached. ``close()`` (also on leaving a ``with`` block) stops the child.
    """

    def __init__(self, harvester: Harvester) -> None:
        self.harvester = harvester
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ChildReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Record]:
        if self._process is not None:
            raise RuntimeError("a ChildReader is read once")
        self._process = self._start()
        assert self._process.stdout is not None
        try:
            while True:
                kind, payload = _receive(self._process.stdout, self._process)
                if kind == "records":
                    yield from payload
                elif kind == "done":
                    self.harvester.state = payload
                    return
                else:
                    raise payload
        finally:
            self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        h = self.harvester
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        process = subprocess.Popen(
            [sys.executable, "-m", "innsyn.harvest.reader"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        _widen(process.stdout)
        spec = (type(h), h.location, h.params, h.state)
        process.stdin.write(pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))
        process.stdin.close()
        return process

    def close(self) -> None:
        """Stop the child if it still runs."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        if process.stdout is not None:
            process.stdout.close()
        process.wait(timeout=30)


PIPE_BYTES = 1 << 20
"""How far the child may read ahead of the writer (Linux's default pipe-max-size): a
default 64 KiB pipe holds less than one batch, so the child stood still while the
harvest committed."""


def _widen(stream: IO[bytes]) -> None:
    """Give the pipe ``PIPE_BYTES`` of buffer where the system allows it (Linux)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(stream.fileno(), set_size, PIPE_BYTES)


def _receive(stream: IO[bytes], process: subprocess.Popen[bytes]) -> tuple[str, Any]:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        code = process.wait(timeout=30)
        raise HarvestError(f"the reader process stopped without finishing (exit code {code})")
    (size,) = _HEADER.unpack(header)
    message: tuple[str, Any] = pickle.loads(stream.read(size))  # noqa: S301 - our child
    return message


def _send(out: BinaryIO, kind: str, payload: Any) -> None:
    data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)))
    out.write(data)


def _portable(exc: BaseException) -> BaseException:
    """``exc`` itself when it pickles; otherwise a ``HarvestError`` with its text."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes
    except Exception:
        return HarvestError(f"{type(exc).__name__}: {exc}")
    return exc


def main() -> None:
    """The child: read the spec from stdin, send batches of records to stdout, then the
    harvester's state or the error that stopped it."""
    spec = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 - from our parent
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the stream
    cls, location, params, state = spec
    model = threading.Thread(target=language.preload, name="language-model", daemon=True)
    model.start()  # loads while the first batch is parsed

    def send(batch: list[Record]) -> None:
        model.join()
        _send(out, "records", [with_title_language(rec) for rec in batch])

    try:
        harvester: Harvester = cls(location, params, state=state)
        batch: list[Record] = []
        for rec in harvester.records():
            batch.append(rec)
            if len(batch) >= BATCH:
                send(batch)
                batch = []
        if batch:
            send(batch)
        _send(out, "done", harvester.state)
    except BrokenPipeError:
        os._exit(1)  # the parent is gone
    except Exception as exc:
        _send(out, "error", _portable(exc))
    out.flush()


if __name__ == "__main__":
    main()

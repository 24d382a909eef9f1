"""Archive bombs against the shared scheduler: a tar or zip of very many members, a zip
that lies about its central directory, a tar header that expands in memory. Each stops
with a clear error naming the cap, before the member list is read whole."""

from __future__ import annotations

import gzip
import io
import tarfile
import tracemalloc
import zipfile

import pytest

from harvesters import packages
from harvesters.noark5 import Noark5Harvester
from innsyn.harvest.contract import HarvestError

ARKIVSTRUKTUR = b'<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"/>'


def _records(location, **params):
    return list(Noark5Harvester(str(location), params).records())


def _empty_members_tar(path, count):
    """A .tar.gz of ``arkivstruktur.xml`` and ``count`` empty members (the same header
    repeated: a tar may name a file twice), a few hundred kilobytes on disk."""
    head = io.BytesIO()
    with tarfile.open(fileobj=head, mode="w", format=tarfile.GNU_FORMAT) as tf:
        info = tarfile.TarInfo("arkivstruktur.xml")
        info.size = len(ARKIVSTRUKTUR)
        tf.addfile(info, io.BytesIO(ARKIVSTRUKTUR))
    body = head.getvalue().rstrip(b"\0")
    body += b"\0" * (-len(body) % 512)
    empty = tarfile.TarInfo("dokumenter/empty.pdf").tobuf(format=tarfile.GNU_FORMAT)
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(body)
        fh.write(empty * count)
        fh.write(b"\0" * 1024)


def test_tar_of_100000_empty_members_stops_at_the_member_cap(tmp_path):
    archive = tmp_path / "bomb.tar.gz"
    _empty_members_tar(archive, 100_000)
    tracemalloc.start()
    try:
        with pytest.raises(HarvestError, match=r"more than 5000 files.*ARCHIVE_MAX_MEMBERS"):
            _records(archive, archive_max_members="5000")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # 100 000 headers held at once take some 45 MB; the cap stops after 5001 of them
    assert peak < 12 * 1024 * 1024, f"peak {peak} bytes: the member list was read whole"


def test_tar_under_the_member_cap_is_read(tmp_path):
    archive = tmp_path / "ok.tar.gz"
    _empty_members_tar(archive, 10)
    package = packages.open_package(archive, max_members=11)
    try:
        assert package.find("arkivstruktur.xml") == "arkivstruktur.xml"
    finally:
        package.close()


def test_tar_long_name_header_bomb_refused(tmp_path):
    archive = tmp_path / "longname.tar.gz"
    size = 64 * 1024 * 1024
    header = tarfile.TarInfo("././@LongLink")
    header.type = tarfile.GNUTYPE_LONGNAME
    header.size = size
    with gzip.open(archive, "wb", compresslevel=1) as fh:
        fh.write(header.tobuf(format=tarfile.GNU_FORMAT))
        chunk = b"a" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            fh.write(chunk)
        fh.write(tarfile.TarInfo("x").tobuf(format=tarfile.GNU_FORMAT))
        fh.write(b"\0" * 1024)
    with pytest.raises(HarvestError, match="extended header"):
        _records(archive)


def _many_members_zip(path, count):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("arkivstruktur.xml", ARKIVSTRUKTUR)
        for i in range(count):
            zf.writestr(f"d/{i}", b"")


def test_zip_member_count_refused_before_its_directory_is_read(tmp_path, monkeypatch):
    archive = tmp_path / "many.zip"
    _many_members_zip(archive, 3000)

    def never(*args, **kwargs):
        raise AssertionError("the central directory was read")

    monkeypatch.setattr(packages.zipfile, "ZipFile", never)
    with pytest.raises(HarvestError, match=r"more than 1000 files"):
        _records(archive, archive_max_members="1000")


def test_zip_lying_about_its_member_count_is_refused(tmp_path):
    archive = tmp_path / "liar.zip"
    _many_members_zip(archive, 3000)
    data = bytearray(archive.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2  # "1 member"
    archive.write_bytes(bytes(data))
    with pytest.raises(HarvestError, match=r"more than 1000 files"):
        _records(archive, archive_max_members="1000")


def test_zip_bomb_of_many_small_members_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("arkivstruktur.xml", ARKIVSTRUKTUR)
        for i in range(50):
            zf.writestr(f"d/{i}.bin", b"\0" * 100_000)
    with pytest.raises(HarvestError, match=r"expands to more than 1000000 bytes"):
        _records(archive, archive_max_uncompressed="1000000", archive_max_ratio="100000")
    assert packages.open_package(archive, max_ratio=100_000).names()

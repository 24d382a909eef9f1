"""Reading the files of an extraction package (directory, .zip or .tar) safely.

Members with absolute paths, ``..`` components, links or device entries are refused;
the number of members, the total uncompressed size and (for zip) the compression ratio
are capped (the site's caps, ``innsyn.harvest.caps``), so a zip bomb, a tar of a million
empty files or a path-traversal archive stops with a clear error before anything is
read. A tar's member list is read one header at a time and stops at the caps; a zip's
central directory is measured from its end record before it is read.
"""

from __future__ import annotations

import posixpath
import struct
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, cast

from innsyn.harvest.contract import HarvestError

DEFAULT_MAX_TOTAL = 20 * 1024**3
DEFAULT_MAX_RATIO = 200
DEFAULT_MAX_MEMBERS = 500_000
CENTRAL_DIRECTORY_BYTES_PER_MEMBER = 1024
"""Average size of a zip's central directory entry allowed (a real one is 50 to 300
bytes); a larger directory is refused before ``zipfile`` reads it into memory."""
TAR_MAX_HEADER_BYTES = 1024 * 1024
"""Largest long-name or pax header of a tar member, which ``tarfile`` reads whole."""


def _too_many(limit: int) -> HarvestError:
    return HarvestError(
        f"archive holds more than {limit} files: refused (INNSYN_ARCHIVE_MAX_MEMBERS or the "
        "job's archive_max_members)"
    )


def _too_large(limit: int) -> HarvestError:
    return HarvestError(
        f"archive expands to more than {limit} bytes: refused (zip bomb? "
        "INNSYN_ARCHIVE_MAX_UNCOMPRESSED or the job's archive_max_uncompressed)"
    )


def _safe_name(name: str) -> str:
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":") or ".." in path.parts:
        raise HarvestError(f"unsafe path in archive refused: {name!r}")
    return posixpath.normpath(clean).lstrip("./") if clean not in (".", "./") else ""


def _binary(member: IO[bytes]) -> BinaryIO:
    """An archive member's stream as what it is: zip and tar members are buffered binary
    readers (``ZipExtFile``, ``ExFileObject``), which typeshed types as ``IO[bytes]``."""
    return cast(BinaryIO, member)


class Package:
    """Files of an extraction, by path relative to the package root."""

    def names(self) -> list[str]:
        raise NotImplementedError

    def open(self, name: str) -> BinaryIO:
        raise NotImplementedError

    def find(self, filename: str) -> str | None:
        """The shortest path ending in ``filename`` (case-insensitive); ``content/`` wins."""
        target = filename.lower()
        hits = [n for n in self.names() if n.lower().rsplit("/", 1)[-1] == target]
        hits.sort(key=lambda n: (0 if "/content/" in f"/{n}" else 1, n.count("/"), n))
        return hits[0] if hits else None

    def resolve(self, base_dir: str, reference: str) -> str:
        """A file reference (``dokumenter\\1.pdf``) relative to the directory of arkivstruktur."""
        ref = _safe_name(reference)
        return posixpath.normpath(posixpath.join(base_dir, ref)) if base_dir else ref

    def close(self) -> None:
        pass


class DirectoryPackage(Package):
    def __init__(self, root: Path, max_members: int = DEFAULT_MAX_MEMBERS) -> None:
        self.root = root.resolve()
        self.max_members = max_members
        self._names: list[str] | None = None

    def names(self) -> list[str]:
        if self._names is None:
            names: list[str] = []
            for p in self.root.rglob("*"):
                if p.is_file() and not p.is_symlink():
                    if len(names) == self.max_members:
                        raise _too_many(self.max_members)
                    names.append(str(p.relative_to(self.root)).replace("\\", "/"))
            self._names = names
        return list(self._names)

    def open(self, name: str) -> BinaryIO:
        path = (self.root / _safe_name(name)).resolve()
        if not path.is_relative_to(self.root) or path.is_symlink():
            raise HarvestError(f"file outside the package refused: {name!r}")
        return path.open("rb")


_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")


def _central_directory(path: Path) -> tuple[int, int] | None:
    """(members, bytes) of the zip's central directory as its end record declares them
    (the zip64 record when there is one); None when no end record is found."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        tail_start = max(0, size - _EOCD.size - 0xFFFF)
        fh.seek(tail_start)
        tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _EOCD.size:
            return None
        fields = _EOCD.unpack_from(tail, at)
        members, cd_bytes = fields[4], fields[5]
        locator_at = tail_start + at - _EOCD64_LOCATOR.size
        if locator_at >= 0:
            fh.seek(locator_at)
            locator = fh.read(_EOCD64_LOCATOR.size)
            if len(locator) == _EOCD64_LOCATOR.size and locator.startswith(b"PK\x06\x07"):
                fh.seek(_EOCD64_LOCATOR.unpack(locator)[2])
                record = fh.read(_EOCD64.size)
                if len(record) == _EOCD64.size and record.startswith(b"PK\x06\x06"):
                    fields64 = _EOCD64.unpack(record)
                    members, cd_bytes = max(members, fields64[7]), max(cd_bytes, fields64[8])
        return members, cd_bytes


class ZipPackage(Package):
    def __init__(
        self, path: Path, max_total: int, max_ratio: int, max_members: int = DEFAULT_MAX_MEMBERS
    ) -> None:
        declared = _central_directory(path)
        if declared is not None and (
            declared[0] > max_members
            or declared[1] > max_members * CENTRAL_DIRECTORY_BYTES_PER_MEMBER
        ):
            raise _too_many(max_members)
        try:
            self.zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise HarvestError(f"{path.name} is not a readable zip file: {exc}") from exc
        total = 0
        self._names: dict[str, zipfile.ZipInfo] = {}
        infos = self.zf.infolist()
        if len(infos) > max_members:
            self.zf.close()
            raise _too_many(max_members)
        for info in infos:
            if info.is_dir():
                continue
            name = _safe_name(info.filename)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise HarvestError(f"symbolic link in archive refused: {info.filename!r}")
            total += info.file_size
            if total > max_total:
                raise _too_large(max_total)
            if info.compress_size and info.file_size / info.compress_size > max_ratio:
                raise HarvestError(
                    f"compression ratio of {info.filename!r} exceeds {max_ratio}: refused "
                    "(zip bomb?)"
                )
            self._names[name] = info

    def names(self) -> list[str]:
        return list(self._names)

    def open(self, name: str) -> BinaryIO:
        info = self._names.get(_safe_name(name))
        if info is None:
            raise KeyError(f"{name} is not in the archive")
        return _binary(self.zf.open(info))

    def close(self) -> None:
        self.zf.close()


class NotTar(HarvestError):
    """The file is not a tar archive ``tarfile`` can open."""


class _CappedTarInfo(tarfile.TarInfo):
    """A tar header whose long-name and pax extensions, which ``tarfile`` reads into
    memory whole, may not exceed ``TAR_MAX_HEADER_BYTES``."""

    def _capped(self) -> None:
        if self.size > TAR_MAX_HEADER_BYTES:
            raise HarvestError(
                f"tar extended header of {self.size} bytes refused (more than "
                f"{TAR_MAX_HEADER_BYTES})"
            )

    def _proc_gnulong(self, tarfile: tarfile.TarFile) -> tarfile.TarInfo:
        self._capped()
        return super()._proc_gnulong(tarfile)  # type: ignore[misc]

    def _proc_pax(self, tarfile: tarfile.TarFile) -> tarfile.TarInfo:
        self._capped()
        return super()._proc_pax(tarfile)  # type: ignore[misc]


class TarPackage(Package):
    def __init__(self, path: Path, max_total: int, max_members: int = DEFAULT_MAX_MEMBERS) -> None:
        try:
            self.tf = tarfile.open(path, tarinfo=_CappedTarInfo)  # noqa: SIM115 - closed by close()
        except tarfile.TarError as exc:
            raise NotTar(f"{path.name} is not a readable tar file: {exc}") from exc
        try:
            self._names = self._read_members(max_total, max_members)
        except BaseException:
            self.tf.close()
            raise

    def _read_members(self, max_total: int, max_members: int) -> dict[str, tarfile.TarInfo]:
        """The members, header by header, stopping at the first cap passed: the next
        header is read only after the one before was counted."""
        total = 0
        count = 0
        names: dict[str, tarfile.TarInfo] = {}
        try:
            while (info := self.tf.next()) is not None:
                count += 1
                if count > max_members:
                    raise _too_many(max_members)
                if info.isdir():
                    continue
                name = _safe_name(info.name)
                if not info.isfile():
                    raise HarvestError(f"link or special file in archive refused: {info.name!r}")
                total += info.size
                if total > max_total:
                    raise _too_large(max_total)
                names[name] = info
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise HarvestError(f"unreadable tar archive: {exc}") from exc
        return names

    def names(self) -> list[str]:
        return list(self._names)

    def open(self, name: str) -> BinaryIO:
        info = self._names.get(_safe_name(name))
        if info is None:
            raise KeyError(f"{name} is not in the archive")
        fh = self.tf.extractfile(info)
        if fh is None:
            raise KeyError(f"{name} cannot be read")
        return _binary(fh)

    def close(self) -> None:
        self.tf.close()


def open_package(
    location: Path,
    max_total: int = DEFAULT_MAX_TOTAL,
    max_ratio: int = DEFAULT_MAX_RATIO,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> Package:
    """The package at ``location``: a directory, a .zip or a .tar (any compression),
    with at most ``max_members`` files of at most ``max_total`` bytes together."""
    if not location.exists():
        raise HarvestError(f"{location} does not exist")
    if location.is_dir():
        return DirectoryPackage(location, max_members)
    if zipfile.is_zipfile(location):
        return ZipPackage(location, max_total, max_ratio, max_members)
    try:
        return TarPackage(location, max_total, max_members)
    except NotTar:
        raise HarvestError(f"{location} is neither a directory, a zip nor a tar archive") from None

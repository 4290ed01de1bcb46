"""The jars of a local Neo4j 5.26 community server with APOC and Graph Data Science, from Maven Central.

Neo4j publishes no server archive on Maven Central for 5.26, but it publishes the jars, so
the server is put together from them: Maven resolves ``ecosystem/neo4j/data/pom.xml``
(profile ``server``: ``org.neo4j:neo4j``, which holds the community entry point; profile
``plugins``: APOC core and the OpenGDS modules), and the jars are copied into a cache
outside the checkout, keyed by the pom's content::

    ~/.cache/cluster-ecosystem/neo4j-5.26.19-<pom hash>/lib/       the server's jars
                                                       /plugins/   APOC, GDS and what they need
                                                                   beyond lib/ (lib/'s versions win)
    ~/.cache/cluster-ecosystem/instances/<name>/                   conf/, data/, logs/, run/,
                                                                   server.json (port, password)

This module is the only part of the package that downloads anything, and it says what
and how much. :mod:`ecosystem.neo4j.server` runs servers from these jars.

>>> sorted(coordinates())
['apoc', 'gds', 'neo4j']
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from ecosystem.errors import LocalServerError

__all__ = [
    "POM",
    "Echo",
    "cache_dir",
    "coordinates",
    "install_server",
    "jars_dir",
    "java_executable",
    "java_version",
    "missing_tools",
    "quiet",
]

POM = Path(__file__).resolve().parent / "data" / "pom.xml"
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

Echo = Callable[[str], None]


def quiet(message: str) -> None:
    """An :data:`Echo` that says nothing (the default of every function that reports progress)."""


# -- what and where ----------------------------------------------------------------------------


def coordinates(pom: Path = POM) -> dict[str, str]:
    """The pinned versions in the pom: ``{"neo4j": ..., "apoc": ..., "gds": ...}``."""
    text = pom.read_text(encoding="utf-8")
    return {k: re.search(rf"<{k}\.version>([^<]+)</{k}\.version>", text).group(1) for k in ("neo4j", "apoc", "gds")}


def cache_dir() -> Path:
    """``$ECOSYSTEM_CACHE``, else ``$XDG_CACHE_HOME/cluster-ecosystem``, else ``~/.cache/cluster-ecosystem``."""
    if os.environ.get("ECOSYSTEM_CACHE"):
        return Path(os.environ["ECOSYSTEM_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cluster-ecosystem"


def jars_dir(pom: Path = POM) -> Path:
    """The cache folder of the jars that ``pom`` pins: ``<cache>/neo4j-<version>-<hash of the pom>``."""
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:12]
    return cache_dir() / f"neo4j-{coordinates(pom)['neo4j']}-{digest}"


def java_executable() -> str | None:
    """``$JAVA_HOME/bin/java`` when it exists, else ``java`` on the PATH, else None."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def java_version(java: str | None = None) -> int | None:
    """The feature version of ``java`` (17, 21, ...), or None when there is no Java."""
    java = java or java_executable()
    if not java:
        return None
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 else major


def missing_tools() -> str | None:
    """Why the local server cannot run here (no Java 17+, no Maven and nothing cached), or None."""
    version = java_version()
    if version is None:
        return "no Java found (install Java 17 or 21, or set JAVA_HOME)"
    if version < 17:
        return f"Java {version} found; Neo4j 5.26 needs Java 17 or 21 (set JAVA_HOME)"
    if not (jars_dir() / "manifest.json").exists() and not shutil.which("mvn"):
        return "no Maven (mvn) found to fetch the Neo4j jars from Maven Central (install maven)"
    return None


# -- install -----------------------------------------------------------------------------------


def _resolve(profile: str, pom: Path, out: Path) -> dict[tuple[str, str], tuple[str, Path]]:
    """Let Maven resolve (and download) one profile; return ``{(group, artifact): (version, jar)}``."""
    listing = out / f"{profile}.txt"
    cmd = [
        "mvn", "-B", "-q", "-f", str(pom), "-P", profile, f"{_DEPENDENCY_PLUGIN}:list",
        "-DincludeScope=runtime", "-DoutputAbsoluteArtifactFilename=true", f"-DoutputFile={listing}",
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        errors = [line for line in (done.stdout + done.stderr).splitlines() if "ERROR" in line][:5]
        raise LocalServerError(
            f"Maven could not fetch the {profile} jars of {pom}:\n  " + "\n  ".join(errors or ["(no message)"])
            + "\ncheck that Maven Central is reachable (mvn -v; ~/.m2/settings.xml)"
        )
    jars = {}
    for line in listing.read_text(encoding="utf-8").splitlines():
        fields = line.strip().split(" -- ")[0].split(":")
        if len(fields) >= 6 and fields[-1].endswith(".jar"):
            jars[fields[0], fields[1]] = (fields[-3], Path(fields[-1]))
    if not jars:
        raise LocalServerError(f"Maven resolved no jars for profile {profile} of {pom}")
    return jars


def install_server(*, echo: Echo = quiet, pom: Path = POM) -> Path:
    """Put the server and its plugins together in the cache (once per pom); return that folder.

    The folder is built beside its final place and renamed into it when complete, so a
    crash or a failed download never leaves a half-filled cache that a later start would use.
    """
    dist = jars_dir(pom)
    if (dist / "manifest.json").exists():
        return dist
    if not shutil.which("mvn"):
        raise LocalServerError("Maven (mvn) is needed once, to fetch the Neo4j jars from Maven Central: install maven")
    v = coordinates(pom)
    echo(
        f"fetching Neo4j {v['neo4j']} community, APOC {v['apoc']} and OpenGDS {v['gds']} from Maven Central "
        f"with Maven ({pom.name}; about 150 MB the first time, kept in ~/.m2 and {dist})"
    )
    dist.parent.mkdir(parents=True, exist_ok=True)
    tmp = dist.with_name(f".{dist.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        (tmp / "lib").mkdir(parents=True)
        (tmp / "plugins").mkdir()
        server = _resolve("server", pom, tmp)
        plugins = _resolve("plugins", pom, tmp)
        kept_back = []
        for folder, jars in (("lib", server), ("plugins", plugins)):
            for key, (version, jar) in sorted(jars.items()):
                if folder == "plugins" and key in server:
                    if server[key][0] != version:
                        kept_back.append(f"{key[0]}:{key[1]} {version} (server has {server[key][0]})")
                    continue
                shutil.copy2(jar, tmp / folder / jar.name)
        size = sum(f.stat().st_size for f in tmp.rglob("*.jar"))
        manifest = {
            "versions": v,
            "lib": sorted(f.name for f in (tmp / "lib").iterdir()),
            "plugins": sorted(f.name for f in (tmp / "plugins").iterdir()),
            "plugin_versions_kept_back": kept_back,
            "bytes": size,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        try:
            tmp.rename(dist)
        except OSError:
            if not (dist / "manifest.json").exists():  # not another process that got there first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    echo(f"fetched {len(manifest['lib'])} server and {len(manifest['plugins'])} plugin jars, {size / 1e6:.0f} MB")
    return dist

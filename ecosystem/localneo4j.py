"""A local Neo4j 5.26 community server with APOC and Graph Data Science, for users without Docker.

Neo4j publishes no server archive on Maven Central for 5.26, but it publishes the jars, so
the server is put together from them: Maven resolves ``ecosystem/data/neo4j/pom.xml``
(profile ``server``: ``org.neo4j:neo4j``, which holds the community entry point; profile
``plugins``: APOC core and the OpenGDS modules), and the jars are copied into a cache
outside the checkout, keyed by the pom's content::

    ~/.cache/cluster-ecosystem/neo4j-5.26.19-<pom hash>/lib/       the server's jars
                                                       /plugins/   APOC, GDS and what they need
                                                                   beyond lib/ (lib/'s versions win)
    ~/.cache/cluster-ecosystem/instances/<name>/                   conf/, data/, logs/, run/,
                                                                   server.json (port, password)

The server is started and stopped with Neo4j's own launcher
(``org.neo4j.server.startup.Neo4jCommand start|stop``), listens on 127.0.0.1 only, on a
free port, with authentication on and a generated password. This module is the only part
of the package that downloads anything, and it says what and how much.

>>> sorted(coordinates())
['apoc', 'gds', 'neo4j']
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import LocalServerError

__all__ = [
    "POM",
    "Settings",
    "coordinates",
    "cache_dir",
    "instance_dir",
    "java_version",
    "missing_tools",
    "install",
    "start",
    "stop",
    "server_status",
    "settings",
]

POM = Path(__file__).resolve().parent / "data" / "neo4j" / "pom.xml"
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
_LAUNCHER = "org.neo4j.server.startup.Neo4jCommand"
_ADMIN = "org.neo4j.server.startup.Neo4jAdminCommand"
_USER = "neo4j"
_DATABASE = "neo4j"
_JVM_OPTIONS = (
    # What Neo4j's own neo4j.conf passes to the JVM (the launcher reads them from the conf).
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-XX:+ExitOnOutOfMemoryError",  # a server out of heap stops, with the error in its log
)

Echo = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


@dataclass(frozen=True)
class Settings:
    """How to reach a running server: the ``NEO4J_*`` variables the CLI and the tests read."""

    uri: str
    user: str
    password: str
    database: str = _DATABASE

    def env(self) -> dict[str, str]:
        """``{"NEO4J_URI": ..., "NEO4J_USER": ..., "NEO4J_PASSWORD": ..., "NEO4J_DATABASE": ...}``."""
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USER": self.user,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_DATABASE": self.database,
        }

    def exports(self) -> str:
        """Shell lines that export :meth:`env`, for ``eval "$(ecosystem neo4j server start)"``.

        >>> print(Settings("bolt://127.0.0.1:7687", "neo4j", "it's").exports())
        export NEO4J_URI=bolt://127.0.0.1:7687
        export NEO4J_USER=neo4j
        export NEO4J_PASSWORD='it'"'"'s'
        export NEO4J_DATABASE=neo4j
        """
        return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in self.env().items())


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


def _dist_dir(pom: Path = POM) -> Path:
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:12]
    return cache_dir() / f"neo4j-{coordinates(pom)['neo4j']}-{digest}"


def instance_dir(name: str = "default") -> Path:
    """Where the server called ``name`` keeps its configuration, data and logs."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise LocalServerError(f"server name {name!r}: use lower-case letters, digits, - and _")
    return cache_dir() / "instances" / name


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def java_version(java: str | None = None) -> int | None:
    """The feature version of ``java`` (17, 21, ...), or None when there is no Java."""
    java = java or _java()
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
    if not (_dist_dir() / "manifest.json").exists() and not shutil.which("mvn"):
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


def install(*, echo: Echo = _quiet, pom: Path = POM) -> Path:
    """Put the server and its plugins together in the cache (once per pom); return that folder.

    The folder is built beside its final place and renamed into it when complete, so a
    crash or a failed download never leaves a half-filled cache that a later start would use.
    """
    dist = _dist_dir(pom)
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


# -- one server ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """One start or stop at a time per server (two test runs, two shells)."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _ports(wanted: list[int | None]) -> list[int]:
    """The wanted ports where they are free, other free ports where not; all different."""
    held: list[socket.socket] = []
    try:
        for port in wanted:
            s = socket.socket()
            held.append(s)
            try:
                s.bind(("127.0.0.1", port or 0))
            except OSError:
                s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def _read_state(home: Path) -> dict:
    try:
        return json.loads((home / "server.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(home: Path, state: dict) -> None:
    path = home / "server.json"
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=2)
    os.replace(path.with_suffix(".tmp"), path)


def _pid(home: Path) -> int | None:
    """The server's process id while it runs, else None."""
    try:
        pid = int((home / "run" / "neo4j.pid").read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    try:  # a reused pid of another program is not our server
        if b"org.neo4j" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return None
    except OSError:
        pass
    return pid


def _config(home: Path, dist: Path, port: int, http_port: int, heap: str, pagecache: str, plugins: bool) -> str:
    lines = [
        "# Written by ecosystem.localneo4j at every start; edit the code, not this file.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",  # where Browser connects
        "server.http.enabled=true",
        f"server.http.listen_address=127.0.0.1:{http_port}",
        f"server.http.advertised_address=127.0.0.1:{http_port}",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.memory.heap.initial_size={heap}",
        f"server.memory.heap.max_size={heap}",
        f"server.memory.pagecache.size={pagecache}",
        "dbms.security.procedures.unrestricted=apoc.*,gds.*",
        "dbms.security.procedures.allowlist=apoc.*,gds.*",
        f"server.directories.lib={dist / 'lib'}",
        f"server.directories.plugins={dist / 'plugins' if plugins else home / 'no-plugins'}",
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.run={home / 'run'}",
        f"server.directories.import={home / 'import'}",
        "server.logs.gc.enabled=false",
        *(f"server.jvm.additional={opt}" for opt in _JVM_OPTIONS),
    ]
    return "\n".join(lines) + "\n"


def _launcher(dist: Path, home: Path, *args: str, main: str = _LAUNCHER, timeout: float = 180):
    java = _java() or "java"
    # the launcher starts the server with $JAVA_HOME's java: make it the one checked here
    java_home = str(Path(os.path.realpath(shutil.which(java) or java)).parent.parent)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf"), "JAVA_HOME": java_home}
    return subprocess.run(
        [java, "-cp", f"{dist / 'lib'}/*", main, *args],
        env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def _log_tail(home: Path, lines: int = 25) -> str:
    """The first errors and the last lines of the server's log."""
    for name in ("neo4j.log", "debug.log"):
        path = home / "logs" / name
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()
            errors = [line for line in text if " ERROR " in line or "Error:" in line or "Exception:" in line][:3]
            first = "first errors:\n" + "\n".join("  " + line for line in errors) + "\n" if errors else ""
            return f"{first}last lines of {path}:\n" + "\n".join("  " + line for line in text[-lines:])
    return f"(no log in {home / 'logs'})"


def _bolt_answers(settings: Settings, name: str) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    try:
        with GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password)) as driver:
            driver.verify_connectivity()
            records, _, _ = driver.execute_query("RETURN 1 AS ok", database_=settings.database)
            return records[0]["ok"] == 1
    except AuthError as err:
        raise LocalServerError(
            f"the local server at {settings.uri} refused the stored password ({err.message}); "
            f"remove its folder to start afresh: ecosystem neo4j server stop --delete{_name_flag(name)}"
        ) from err
    except (DriverError, Neo4jError, OSError):
        return False  # not up yet (or the database is still starting)


def start(
    name: str = "default",
    *,
    heap: str = "3g",
    pagecache: str = "512m",
    plugins: bool = True,
    timeout: float = 180,
    echo: Echo = _quiet,
) -> Settings:
    """Start the local server ``name`` (or find it running); return how to reach it.

    The first start fetches the jars (:func:`install`), chooses a free port and a random
    password, and creates the database; later starts reuse them (the port only changes
    when another program took it). Waits until Bolt answers a query, at most ``timeout``
    seconds. ``plugins=False`` starts it without APOC and GDS (the tests check what users
    of such a server are told).

    Raises
    ------
    LocalServerError
        No Java 17+ or Maven, Maven failed, or the server did not answer in time (the
        message ends with the tail of its log).
    """
    home = instance_dir(name)
    why = missing_tools()
    if why:
        raise LocalServerError(f"cannot run a local Neo4j: {why}")
    dist = install(echo=echo)
    with _locked(home):
        state = _read_state(home)
        if _pid(home) and state.get("dist") == str(dist) and state.get("plugins", True) == plugins:
            settings = Settings(state["uri"], _USER, state["password"])
            if _bolt_answers(settings, name):
                if (state.get("heap"), state.get("pagecache")) != (heap, pagecache):
                    echo(
                        f"note: it runs with heap {state.get('heap')} and page cache {state.get('pagecache')}; "
                        f"to change them, stop it first (ecosystem neo4j server stop{_name_flag(name)})"
                    )
                echo(f"already running: {_describe(home, state)}")
                return settings
        if _pid(home):
            _stop_locked(home, dist, echo)
        for sub in ("conf", "data", "logs", "run", "import", "no-plugins"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(home, 0o700)  # the data, the logs and the password are the user's own
        port, http_port = _ports([state.get("port"), state.get("http_port")])
        conf = _config(home, dist, port, http_port, heap, pagecache, plugins)
        (home / "conf" / "neo4j.conf").write_text(conf, encoding="utf-8")
        password = state.get("password")
        if not password or not (home / "data" / "dbms" / "auth.ini").exists():
            if (home / "data" / "databases").exists():
                raise LocalServerError(
                    f"{home} has a database but no stored password: start afresh with "
                    f"`ecosystem neo4j server stop --delete{_name_flag(name)}`"
                )
            password = secrets.token_urlsafe(18)
            done = _launcher(dist, home, "dbms", "set-initial-password", password, main=_ADMIN, timeout=timeout)
            if done.returncode != 0:
                raise LocalServerError(f"neo4j-admin could not set the initial password:\n{done.stdout}{done.stderr}")
        state = {
            "name": name,
            "versions": coordinates(),
            "dist": str(dist),
            "port": port,
            "uri": f"bolt://127.0.0.1:{port}",
            "http_port": http_port,
            "browser": f"http://127.0.0.1:{http_port}/browser/",
            "password": password,
            "plugins": plugins,
            "heap": heap,
            "pagecache": pagecache,
        }
        _write_state(home, state)
        settings = Settings(state["uri"], _USER, password)
        began = time.monotonic()
        try:
            done = _launcher(dist, home, "start", timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop_locked(home, dist, _quiet)
            raise LocalServerError(f"Neo4j's launcher did not return within {timeout:.0f} s.\n{_log_tail(home)}") from None
        if done.returncode != 0:
            raise LocalServerError(f"Neo4j did not start:\n{done.stdout}{done.stderr}\n{_log_tail(home)}")
        while True:
            if _bolt_answers(settings, name):
                break
            if _pid(home) is None:
                raise LocalServerError(f"Neo4j stopped while starting.\n{_log_tail(home)}")
            if time.monotonic() - began > timeout:
                _stop_locked(home, dist, _quiet)
                raise LocalServerError(
                    f"Neo4j did not answer on {settings.uri} within {timeout:.0f} s; it was stopped.\n{_log_tail(home)}"
                )
            time.sleep(0.5)
        echo(f"started in {time.monotonic() - began:.0f} s: {_describe(home, state)}")
        return settings


def _name_flag(name: str) -> str:
    return "" if name == "default" else f" --name {name}"


def _describe(home: Path, state: dict) -> str:
    v = state.get("versions", {})
    return (
        f"Neo4j {v.get('neo4j')} community with APOC {v.get('apoc')} and GDS {v.get('gds')} "
        f"at {state.get('uri')} (Browser: {state.get('browser')}), folder {home}"
    )


def _stop_locked(home: Path, dist: Path, echo: Echo, timeout: float = 120) -> bool:
    pid = _pid(home)
    if pid is None:
        return False
    began = time.monotonic()
    try:
        _launcher(dist, home, "stop", timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    while _pid(home) is not None:
        if time.monotonic() - began > timeout:
            os.kill(pid, 9)
            echo(f"Neo4j (pid {pid}) did not stop within {timeout:.0f} s and was killed")
            break
        time.sleep(0.2)
    (home / "run" / "neo4j.pid").unlink(missing_ok=True)
    echo(f"stopped Neo4j (pid {pid}) in {time.monotonic() - began:.0f} s")
    return True


def stop(name: str = "default", *, delete: bool = False, echo: Echo = _quiet) -> bool:
    """Stop the local server ``name``; with ``delete``, remove its folder (data, password) too.

    Returns whether a running server was stopped.
    """
    home = instance_dir(name)
    if not home.exists():
        return False
    with _locked(home):
        state = _read_state(home)
        dist = Path(state["dist"]) if state.get("dist") else _dist_dir()
        stopped = _stop_locked(home, dist, echo)
        if delete:
            for child in home.iterdir():
                if child.name != ".lock":
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            echo(f"deleted the data, logs and password in {home}")
    return stopped


def server_status(name: str = "default") -> dict:
    """``{"name", "folder", "running", "pid", "uri", "browser", "versions", "cache", "log"}`` of the local server."""
    home = instance_dir(name)
    state = _read_state(home)
    pid = _pid(home) if home.exists() else None
    return {
        "name": name,
        "folder": str(home),
        "running": pid is not None,
        "pid": pid,
        "uri": state.get("uri"),
        "browser": state.get("browser"),
        "versions": state.get("versions") or coordinates(),
        "cache": str(_dist_dir()),
        "log": str(home / "logs" / "neo4j.log"),
    }


def settings(name: str = "default") -> Settings:
    """How to reach the running local server ``name``; LocalServerError when it is not running."""
    home = instance_dir(name)
    state = _read_state(home)
    if not state or _pid(home) is None:
        raise LocalServerError(f"the local Neo4j {name!r} is not running: ecosystem neo4j server start{_name_flag(name)}")
    return Settings(state["uri"], _USER, state["password"])

"""Local Neo4j servers, for users without Docker: start, stop, ask how to reach them.

Each server has a name and a folder of its own (:func:`instance_dir`) and runs the
jars :func:`~ecosystem.neo4j.jars.install_server` put into the cache. It is started and
stopped with Neo4j's own launcher (``org.neo4j.server.startup.Neo4jCommand start|stop``),
listens on 127.0.0.1 only, on a free port, with authentication on and a generated
password, kept with the port in the folder's ``server.json``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ecosystem.errors import LocalServerError, StoreUnavailable
from ecosystem.neo4j.jars import (
    Echo,
    cache_dir,
    coordinates,
    install_server,
    jars_dir,
    java_executable,
    missing_tools,
    quiet,
)
from ecosystem.neo4j.runner import server_answers

__all__ = [
    "ServerSettings",
    "instance_dir",
    "server_settings",
    "server_status",
    "start_server",
    "stop_server",
]

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


@dataclass(frozen=True)
class ServerSettings:
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

        >>> print(ServerSettings("bolt://127.0.0.1:7687", "neo4j", "it's").exports())
        export NEO4J_URI=bolt://127.0.0.1:7687
        export NEO4J_USER=neo4j
        export NEO4J_PASSWORD='it'"'"'s'
        export NEO4J_DATABASE=neo4j
        """
        return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in self.env().items())


def instance_dir(name: str = "default") -> Path:
    """Where the server called ``name`` keeps its configuration, data and logs."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise LocalServerError(f"server name {name!r}: use lower-case letters, digits, - and _")
    return cache_dir() / "instances" / name


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
        "# Written by ecosystem.neo4j.server at every start; edit the code, not this file.",
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
    java = java_executable() or "java"
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


def _bolt_answers(settings: ServerSettings, name: str) -> bool:
    try:
        return server_answers(settings.uri, settings.user, settings.password, settings.database)
    except StoreUnavailable as err:  # it refused the credentials
        raise LocalServerError(
            f"the local server at {settings.uri} refused the stored password ({err}); "
            f"remove its folder to start afresh: ecosystem neo4j server stop --delete{_name_flag(name)}"
        ) from err.__cause__


def start_server(
    name: str = "default",
    *,
    heap: str = "3g",
    pagecache: str = "512m",
    plugins: bool = True,
    timeout: float = 180,
    echo: Echo = quiet,
) -> ServerSettings:
    """Start the local server ``name`` (or find it running); return how to reach it.

    The first start fetches the jars (:func:`~ecosystem.neo4j.jars.install_server`),
    chooses a free port and a random password, and creates the database; later starts
    reuse them (the port only changes when another program took it). Waits until Bolt answers a query, at most ``timeout``
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
    dist = install_server(echo=echo)
    with _locked(home):
        state = _read_state(home)
        if _pid(home) and state.get("dist") == str(dist) and state.get("plugins", True) == plugins:
            settings = ServerSettings(state["uri"], _USER, state["password"])
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
            # hex digits only: a password that starts with "-" is read by neo4j-admin as an option
            password = secrets.token_hex(16)
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
        settings = ServerSettings(state["uri"], _USER, password)
        began = time.monotonic()
        try:
            done = _launcher(dist, home, "start", timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop_locked(home, dist, quiet)
            raise LocalServerError(f"Neo4j's launcher did not return within {timeout:.0f} s.\n{_log_tail(home)}") from None
        if done.returncode != 0:
            raise LocalServerError(f"Neo4j did not start:\n{done.stdout}{done.stderr}\n{_log_tail(home)}")
        while True:
            if _bolt_answers(settings, name):
                break
            if _pid(home) is None:
                raise LocalServerError(f"Neo4j stopped while starting.\n{_log_tail(home)}")
            if time.monotonic() - began > timeout:
                _stop_locked(home, dist, quiet)
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


def stop_server(name: str = "default", *, delete: bool = False, echo: Echo = quiet) -> bool:
    """Stop the local server ``name``; with ``delete``, remove its folder (data, password) too.

    Returns whether a running server was stopped.
    """
    home = instance_dir(name)
    if not home.exists():
        return False
    with _locked(home):
        state = _read_state(home)
        dist = Path(state["dist"]) if state.get("dist") else jars_dir()
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
        "cache": str(jars_dir()),
        "log": str(home / "logs" / "neo4j.log"),
    }


def server_settings(name: str = "default") -> ServerSettings:
    """How to reach the running local server ``name``; LocalServerError when it is not running."""
    home = instance_dir(name)
    state = _read_state(home)
    if not state or _pid(home) is None:
        raise LocalServerError(f"the local Neo4j {name!r} is not running: ecosystem neo4j server start{_name_flag(name)}")
    return ServerSettings(state["uri"], _USER, state["password"])

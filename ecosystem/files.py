"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["write_atomically", "write_output"]


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file, fsync, rename over `path`, fsync the folder."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def write_output(path: Path, data: bytes) -> Path:
    """Write an output where the user points it; return where it went.

    A symlink writes its target (the link stays); a FIFO or a device is written into (no
    rename, which would replace it with a plain file); anything else is replaced
    atomically (:func:`write_atomically`).
    """
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file() and not target.is_dir():
        with open(target, "wb") as f:
            f.write(data)
        return target
    write_atomically(target, data)
    return target


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename is still atomic
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

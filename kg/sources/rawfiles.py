"""Reading the files of a raw/ folder, and nothing else.

A raw/ folder is edited by hand, unpacked from archives and synced between
machines, so what sits behind a name is not always a file: a FIFO named
`x.txt` would hang `kg build` forever, a symlink to `/dev/zero` would read
until memory runs out, a symlink may point out of the folder to a file the
user never meant to publish. Every file the build reads comes through
``read_source``: a regular file, inside the folder that holds it (symlinks
are followed only to files there), at most ``max_file_bytes()`` long. Anything
else is a SourceError that names the file and says what it is instead.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..core.errors import SourceError, UsageError

# The largest file kg reads from raw/. The seed documents are a few kB, and a
# long report is a few hundred; a registry of 100k entities is about 15 MB.
# The cap keeps a stray dump (or a file that never ends) from taking the memory.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_FILE_BYTES_ENV = "KG_MAX_FILE_BYTES"

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def max_file_bytes() -> int:
    """The size cap: KG_MAX_FILE_BYTES if set (bytes, or with a K, M or G suffix), else MAX_FILE_BYTES."""
    setting = os.environ.get(MAX_FILE_BYTES_ENV, "").strip()
    if not setting:
        return MAX_FILE_BYTES
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(setting[-1].upper(), 1)
    digits = setting[:-1] if scale != 1 else setting
    if not digits.isascii() or not digits.isdigit() or int(digits) <= 0:
        raise UsageError(f"{MAX_FILE_BYTES_ENV}={setting!r}: give a size in bytes, such as 67108864 or 64M")
    return int(digits) * scale


def _what(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def check_source(path: Path) -> None:
    """Raise SourceError unless ``path`` is (or links, inside its own folder, to) a regular file."""
    _open(Path(path), check_only=True)


def read_source(path: Path, *, limit: int | None = None) -> bytes:
    """The bytes of ``path``, a file of a raw/ folder; SourceError if it is anything but a
    regular file in that folder, cannot be read, or is larger than ``limit`` (default
    ``max_file_bytes()``)."""
    return _open(Path(path), limit=limit)


def _open(path: Path, *, limit: int | None = None, check_only: bool = False) -> bytes:
    where = str(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise SourceError("no such file", path=where) from None
    except OSError as exc:
        raise SourceError(f"cannot be read ({exc.strerror or exc})", path=where) from None
    if stat.S_ISLNK(st.st_mode):
        target = os.readlink(path)
        try:
            os.stat(path)
        except FileNotFoundError:
            raise SourceError(f"a symbolic link to nothing ({target} does not exist)", path=where) from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise SourceError("a symbolic link that loops (it leads back to itself)", path=where) from None
            raise SourceError(f"cannot be read ({exc.strerror or exc})", path=where) from None
        folder = os.path.realpath(path.parent)
        resolved = os.path.realpath(path)
        if os.path.commonpath([folder, resolved]) != folder:
            raise SourceError(f"a symbolic link out of its folder (to {target}); kg reads only files "
                              "inside the folder, so copy the file in", path=where)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the open file.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except PermissionError:
        raise SourceError("cannot be read (permission denied)", path=where) from None
    except IsADirectoryError:
        raise SourceError("a folder, not a file", path=where) from None
    except OSError as exc:
        raise SourceError(f"cannot be read ({exc.strerror or exc})", path=where) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = _what(st.st_mode)
            raise SourceError(f"{what}, not a file; kg reads only regular files", path=where)
        if check_only:
            return b""
        cap = max_file_bytes() if limit is None else limit
        if st.st_size > cap:
            raise SourceError(_too_big(st.st_size, cap), path=where)
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while True:  # read to the end, but never past the cap (a file may grow while read)
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:
                raise SourceError(_too_big(size, cap), path=where)
        return b"".join(chunks)
    except OSError as exc:
        raise SourceError(f"cannot be read ({exc.strerror or exc})", path=where) from None
    finally:
        os.close(fd)


def _too_big(size: int, cap: int) -> str:
    return (f"{size:,} bytes, over kg's limit of {cap:,} bytes per file "
            f"(set {MAX_FILE_BYTES_ENV} to raise it, e.g. {MAX_FILE_BYTES_ENV}=256M)")


def read_source_text(path: Path, *, limit: int | None = None) -> str:
    """``read_source`` decoded as UTF-8 (a byte-order mark dropped); SourceError naming the line
    of the first byte that is not UTF-8."""
    raw = read_source(path, limit=limit)
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise SourceError(not_utf8(raw, exc), path=str(path), line=raw.count(b"\n", 0, exc.start) + 1) from None


def not_utf8(raw: bytes, exc: UnicodeDecodeError) -> str:
    """What is wrong with bytes that are not UTF-8, in a few words (with a hint for UTF-16)."""
    hint = "; it looks like UTF-16: save it as UTF-8" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
    return f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be decoded{hint})"


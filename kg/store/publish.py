"""How a build folder is published: every build in a folder of its own, one pointer to the current one.

    build/
      current -> .gen-20261130T061502-k3j9      the one pointer (a symlink)
      .gen-20261130T061502-k3j9/                store/, manifest.json, summary.json
                                                (kg.ttl, kg.trig, graph.html when asked for)
      .gen-20261130T055901-x0q2/                the build before, kept for readers that opened it
      store -> current/store                    stable names, so `build/store` and
      summary.json -> current/summary.json      `build/kg.ttl` keep working
      .lock                                     held while a build writes

A build writes a new folder beside the current one and publishes it with one
rename (of a fresh symlink over ``current``): a reader that resolves
``current`` once (``current(build)``) sees the old build or the new one, whole,
never a store from one build with files from another, whatever moment the
build was killed at. The stable names all point through ``current``, so they
switch with it.

The next build removes what killed builds left: generation folders that are
neither current nor the one before, and the temporary folders older versions
of kg used (``.build-store-*``, ``.build-files-*``, ``build/.store-old-*``).
Builds into one folder take turns (``.lock``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TextIO
from typing import Callable

from ..core.errors import KGError

CURRENT = "current"
GEN_PREFIX = ".gen-"
LOCK = ".lock"
PREVIOUS = ".previous"  # in a build's folder: the name of the build it replaced
# Names in the build folder that point through `current`, when the current build has them.
STABLE_NAMES = ("store", "manifest.json", "summary.json", "kg.ttl", "kg.trig", "graph.html")

# Tests set this to a function that is called with the name of each step of the final phase
# (and may raise, or end the process there) to check that every kill point leaves a readable build.
kill_point: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if kill_point is not None:
        kill_point(name)


def current(build: str | Path) -> Path | None:
    """The folder of the build published in ``build``, resolved once; None if there is none.

    A folder written by kg before generations (``build/store`` a real folder)
    is its own current build.
    """
    build = Path(build)
    try:
        target = os.readlink(build / CURRENT)
    except FileNotFoundError:
        store = build / "store"
        return build if store.is_dir() and not store.is_symlink() else None
    except OSError:  # not a link: a copy of a build folder made without keeping links
        return build / CURRENT if (build / CURRENT).is_dir() else None
    folder = build / target
    return folder if folder.is_dir() else None


class BuildLock:
    """Held by a build for as long as it writes into a build folder; a second build is refused."""

    def __init__(self, build: Path):
        self.path = Path(build) / LOCK
        self.fh: TextIO | None = None

    def __enter__(self) -> BuildLock:
        fh = self.fh = open(self.path, "a+")
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return self
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise KGError(f"another `kg build` is writing into {self.path.parent}/; wait for it to end") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.fh is not None:
            self.fh.close()  # closing releases the lock


def new_generation(build: Path) -> Path:
    """A fresh, empty folder for a build, beside the current one (named by the time, then at random)."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    folder = Path(tempfile.mkdtemp(prefix=f"{GEN_PREFIX}{stamp}-", dir=build))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)  # readable as any folder the user makes, not mkdtemp's 0700
    return folder


def publish(build: Path, folder: Path) -> None:
    """Make ``folder`` (a complete build inside ``build``) the current build: one rename."""
    build = Path(build)
    previous = current(build)
    if previous is not None and previous != build:
        (folder / PREVIOUS).write_text(previous.name + "\n", encoding="utf-8")
    _step("before-switch")
    tmp = build / f".{CURRENT}-{os.getpid()}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(folder.name, tmp)
    try:
        _fsync_dir(build)
        _step("before-rename")
        os.replace(tmp, build / CURRENT)  # the commit point
    except BaseException:
        if tmp.is_symlink():
            tmp.unlink()
        raise
    _fsync_dir(build)
    _step("after-switch")
    if previous == build:  # the folder was written by kg before generations: move its contents aside
        legacy = build / f"{GEN_PREFIX}legacy-{os.getpid()}"
        legacy.mkdir(exist_ok=True)
        for name in STABLE_NAMES:
            path = build / name
            if (path.exists() or path.is_symlink()) and not path.is_symlink():
                _step(f"move-legacy:{name}")
                os.replace(path, legacy / name)
    link_stable_names(build)
    _step("before-clean")
    clean(build, keep=folder.name)


def link_stable_names(build: Path) -> None:
    """Point build/store, build/summary.json... through `current` where the current build has them."""
    folder = current(build)
    for name in STABLE_NAMES:
        path = build / name
        wanted = f"{CURRENT}/{name}"
        has = folder is not None and (folder / name).exists()
        if path.is_symlink() and os.readlink(path) == wanted:
            if not has:
                _step(f"unlink:{name}")
                path.unlink()
            continue
        if not has or (path.exists() and not path.is_symlink()):
            continue  # a file of the user's own, or one the legacy move left: not ours to replace
        tmp = build / f".{name}-{os.getpid()}.tmp"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(wanted, tmp)
        _step(f"link:{name}")
        os.replace(tmp, path)


def clean(build: Path, keep: str | None = None) -> list[Path]:
    """Remove what builds that died left behind; return what was removed.

    Kept: the current build, the one it replaced (named in its ``.previous``),
    ``keep``, and anything not kg's.
    Call it only with the build lock held.
    """
    build = Path(build)
    cur = current(build)
    keep_names = {keep} if keep else set()
    if cur is not None and cur != build:
        keep_names.add(cur.name)
        try:  # the build before: a reader may still have it open
            keep_names.add((cur / PREVIOUS).read_text(encoding="utf-8").strip())
        except OSError:
            pass
    removed = [p for p in build.glob(f"{GEN_PREFIX}*") if p.is_dir() and p.name not in keep_names]
    # Temporary folders of older kg versions, and stray pointers of killed publishes.
    removed += [p for p in build.parent.glob(f".{build.name}-store-*") if p.is_dir()]
    removed += [p for p in build.parent.glob(f".{build.name}-files-*") if p.is_dir()]
    removed += [p for p in build.glob(".store-old-*") if p.is_dir()]
    for path in removed:
        _step(f"remove:{path.name}")
        shutil.rmtree(path, ignore_errors=True)
    for tmp in build.glob(".*.tmp"):
        if tmp.is_symlink():
            tmp.unlink()
    return removed


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

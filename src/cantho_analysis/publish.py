"""Output folders that cannot lose a user's files, and atomic publishing of a report set.

The rules (issue "nothing a user does can lose their files"):

1. **Only our own folders.** ``--out DIR`` is accepted when DIR does not exist, is an empty
   folder, or is a folder this tool made itself. Anything else (a non-empty folder, a file,
   somebody else's link, the repository, ``data/``, ``notebooks/``, ``src/``, ``tests/``, or a
   folder that contains the repository) is refused with a one-line :class:`OutputError`
   before any work starts.
2. **Builds beside the target, switched by one rename.** Every run writes a complete new build
   into ``<parent>/.<name>.builds/partial-<id>``. When it is complete it is renamed to
   ``<id>``, and DIR, which is a symbolic link ``DIR -> .<name>.builds/<id>``, is replaced by
   a new link in one ``os.replace`` (atomic on POSIX). A reader sees the old set or the new
   set, never a mixture. On any failure before that rename the previous set is untouched
   and the partial build is deleted.
3. **We delete only what we wrote.** Old builds are removed only from our own builds folder,
   and only if they carry our manifest; nothing inside DIR is ever overwritten in place.
4. **One writer at a time.** A lock file in the builds folder (``fcntl.flock``): a second run
   into the same DIR is refused while the first holds it; the lock dies with its process.

A build holds ``.cantho-manifest.json``: the tool, the build id and time, and one entry per
report (its job, whether it is good, stale or failed, and the files it consists of). The
batch uses the previous manifest to keep a failed report's previous good version (marked
stale) and, with ``--only``, to carry every report it does not rebuild into the new build.
Files are carried as hard links (no copy), falling back to a copy across file systems.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import config

__all__ = ["OutputError", "MANIFEST", "OutputFolder", "open_output", "describe_os_error", "check_output_file",
           "write_output_file"]

MANIFEST = ".cantho-manifest.json"
BUILDS_MARKER = ".cantho-builds"
TOOL = "cantho-analysis"
FORMAT = 1


class OutputError(Exception):
    """A problem with the output folder, said in one line; nothing was written or deleted."""


def describe_os_error(e: OSError) -> str:
    """``[Errno 28] No space left on device: 'x'`` as 'no space left on device (x)'."""
    what = os.strerror(e.errno).lower() if e.errno else str(e)
    name = e.filename or ""
    return f"{what} ({name})" if name else what


def _forbidden(resolved: Path) -> str | None:
    """Why ``resolved`` may not be an output folder, or None."""
    repo = config.REPO_ROOT.resolve()
    if resolved == repo or resolved in repo.parents:
        return "it is (or contains) the project's own folder"
    for name, folder in (("data", config.data_dir()), ("data", repo / "data"), ("notebooks", config.notebooks_dir()),
                         ("src", repo / "src"), ("tests", repo / "tests"), (".git", repo / ".git")):
        folder = folder.resolve()
        if resolved == folder or folder in resolved.parents:
            return f"it is inside the project's {name}/ folder"
    return None


def _resolved(path: Path) -> Path:
    """``path`` with links resolved, also when it does not exist yet."""
    return Path(os.path.realpath(path))


@dataclass
class OutputFolder:
    """An output folder we may write to, with its builds folder, held under a lock."""

    path: Path  # as the user named it (absolute, links not resolved): becomes our link
    builds: Path  # <parent>/.<name>.builds
    previous: Path | None = None  # the current build, if DIR is ours already
    _lock_fd: int | None = field(default=None, repr=False)
    _created: bool = field(default=False, repr=False)  # the builds folder was made by this run

    # ------------------------------------------------------------------ manifest of the current build
    def previous_manifest(self) -> dict | None:
        if self.previous is None:
            return None
        try:
            return json.loads((self.previous / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    # ------------------------------------------------------------------ building
    def new_build(self) -> Path:
        """A fresh, empty partial build folder (inside the builds folder)."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        build = self.builds / f"partial-{stamp}-{os.getpid()}-{secrets.token_hex(3)}"  # unique within a second
        build.mkdir()
        return build

    def carry(self, rel_files: list[str], into: Path) -> list[str]:
        """Hard-link (or copy) files of the previous build into ``into``; returns those carried."""
        carried = []
        if self.previous is None:
            return carried
        for rel in rel_files:
            src, dst = self.previous / rel, into / rel
            if not src.is_file() or src.is_symlink():
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            carried.append(rel)
        return carried

    def publish(self, build: Path) -> Path:
        """Switch DIR to ``build`` in one rename; remove older builds. Returns the final build path."""
        final = self.builds / build.name.removeprefix("partial-")
        os.rename(build, final)
        link_tmp = self.path.parent / f".{self.path.name}.link-{os.getpid()}"
        try:
            if link_tmp.is_symlink() or link_tmp.exists():
                link_tmp.unlink()
            os.symlink(os.path.relpath(final, self.path.parent), link_tmp)
            if self.path.is_dir() and not self.path.is_symlink():
                self.path.rmdir()  # checked empty when the folder was opened
            os.replace(link_tmp, self.path)
        except BaseException:
            if link_tmp.is_symlink():
                link_tmp.unlink()
            os.rename(final, build)  # give the caller back its partial build to discard
            raise
        self.previous = final
        self._remove_old_builds(keep=final)
        return final

    def discard(self, build: Path | None) -> None:
        if build is not None and build.parent == self.builds and build.name.startswith("partial-"):
            shutil.rmtree(build, ignore_errors=True)

    def _remove_old_builds(self, keep: Path) -> None:
        for p in self.builds.iterdir():
            if p == keep or not p.is_dir() or p.is_symlink():
                continue
            if p.name.startswith("partial-") or (p / MANIFEST).is_file():
                shutil.rmtree(p, ignore_errors=True)

    # ------------------------------------------------------------------ lock
    def close(self) -> None:
        if self._lock_fd is not None:
            try:
                if self._created and not any(p.is_dir() for p in self.builds.iterdir()):
                    # nothing was built (the run was refused): leave no trace
                    for name in (BUILDS_MARKER, ".lock"):
                        (self.builds / name).unlink(missing_ok=True)
                    self.builds.rmdir()
            except OSError:
                pass
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            finally:
                os.close(self._lock_fd)
                self._lock_fd = None

    def __enter__(self) -> "OutputFolder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_output(path: str | os.PathLike) -> OutputFolder:
    """Check that ``path`` may be written by the batch, create its builds folder and lock it.

    Raises :class:`OutputError` (one line naming the folder) when the folder is not ours to
    write, when it cannot be created, or when another run holds it.
    """
    p = Path(os.path.abspath(os.path.expanduser(str(path))))
    shown = str(path)
    why = _forbidden(_resolved(p))
    if why:
        raise OutputError(f"--out {shown}: refused, {why}; choose a folder of its own, e.g. reports/")
    builds = p.parent / f".{p.name}.builds"
    previous = None
    if p.is_symlink():
        target = _resolved(p)
        ours = builds.exists() and target.parent == _resolved(builds)
        if not ours:
            raise OutputError(f"--out {shown}: refused, it is a link (to {target}) that cantho-analysis did not make; "
                              "give a new or empty folder")
        if (target / MANIFEST).is_file():
            previous = target
    elif p.exists():
        if not p.is_dir():
            raise OutputError(f"--out {shown}: refused, it is a file, not a folder")
        try:
            entries = next(os.scandir(p), None)
        except OSError as e:
            raise OutputError(f"--out {shown}: cannot read it: {describe_os_error(e)}") from None
        if entries is not None:
            legacy = " (reports from versions before 0.2 are not recognised: move or delete that folder)" \
                if (p / "summary.json").is_file() and (p / "index.html").is_file() else ""
            raise OutputError(f"--out {shown}: refused, the folder is not empty and was not made by cantho-analysis "
                              f"(it never writes into a folder holding other files); give a new or empty folder{legacy}")
    elif not p.parent.exists():
        try:
            p.parent.mkdir(parents=True)
        except OSError as e:
            raise OutputError(f"--out {shown}: cannot create its parent folder: {describe_os_error(e)}") from None
    # the builds folder: ours if it carries our marker
    try:
        if builds.is_symlink() or (builds.exists() and not builds.is_dir()):
            raise OutputError(f"--out {shown}: refused, {builds} exists and is not a folder made by cantho-analysis")
        if builds.exists() and not (builds / BUILDS_MARKER).is_file() and any(builds.iterdir()):
            raise OutputError(f"--out {shown}: refused, {builds} exists and was not made by cantho-analysis")
        created = not builds.exists()
        builds.mkdir(exist_ok=True)
        (builds / BUILDS_MARKER).write_text(f"Report builds of {TOOL} for {p.name}/; {p.name} links to the current one.\n",
                                            encoding="utf-8")
        fd = os.open(builds / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise OutputError(f"--out {shown}: cannot write there: {describe_os_error(e)}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        other = ""
        try:
            other = os.read(fd, 64).decode(errors="replace").strip()
        except OSError:
            pass
        os.close(fd)
        if e.errno in (errno.EAGAIN, errno.EACCES):
            raise OutputError(f"--out {shown}: another cantho-analysis run is writing to it"
                              + (f" (process {other})" if other else "") + "; try again when it has finished") from None
        raise OutputError(f"--out {shown}: cannot lock it: {describe_os_error(e)}") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    out = OutputFolder(p, builds, previous, fd, created)
    # partial builds of runs that died: we hold the lock, so none of them is still being written
    for stale in builds.glob("partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    return out


# --------------------------------------------------------------------------- single output files
def check_output_file(path: str | os.PathLike, option: str = "--out", new_folder_ok: bool = False) -> Path:
    """Where a command may write one file (an export, a task list): the path, or :class:`OutputError`.

    Refused: a place inside the project's own folders (``data/`` and the data folder in use,
    ``notebooks/``, ``src/``, ``tests/``, ``.git``) or directly in the repository; a folder; a
    special file (a device, a pipe). An existing regular file elsewhere is replaced: the user
    named it.
    """
    p = Path(os.path.abspath(os.path.expanduser(str(path))))
    shown = f"{option} {path}"
    resolved = _resolved(p)
    if resolved.parent == config.REPO_ROOT.resolve():
        why = "it would write into the project's own folder; choose a file elsewhere (e.g. in reports/ or your home)"
    else:
        why = _forbidden(resolved)  # the same protected folders as for report sets
    if why:
        raise OutputError(f"{shown}: refused, {why}")
    if resolved.is_dir():
        raise OutputError(f"{shown}: refused, it is a folder; give a file name")
    if resolved.exists() and not resolved.is_file():
        raise OutputError(f"{shown}: refused, it is not a regular file (a device or a pipe)")
    if not resolved.parent.is_dir() and not (new_folder_ok and not resolved.parent.exists()):
        raise OutputError(f"{shown}: cannot write there: the folder {resolved.parent} does not exist")
    return p


def write_output_file(path: str | os.PathLike, data: bytes, option: str = "--out") -> Path:
    """Write ``data`` to ``path`` (checked by :func:`check_output_file`) all at once: a temporary
    file beside it, then one rename, so a failure (a full disk) leaves no half-written file."""
    p = check_output_file(path, option)
    tmp = p.parent / f".{p.name}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise OutputError(f"{option} {path}: cannot write it: {describe_os_error(e)}") from None
    return p

"""The one way lngswap writes results: a folder or a file appears whole or not at all, and a
user's files are never removed or overwritten.

A results folder may be written where nothing is, into an empty folder, or over a folder that
holds only an earlier lngswap output (recognised by its manifest, which lists what it wrote).
Anything else is refused unless `overwrite` is given, and even then only the files lngswap
writes are replaced; the rest stay as they were.

The folder is written beside its target under a temporary name, then exchanged with the
target in one step (Linux `renameat2(RENAME_EXCHANGE)`, else two renames), so a reader sees
the old folder or the new one and never a half. Writers to one target take turns through a
lock file beside it; temporary folders left by a killed writer are removed by the next one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from lngswap.errors import InputError

MANIFEST = "manifest.json"
WRITER = "lngswap"
_TMP = ".lngswap-tmp-"
_LOCK = ".lngswap.lock"
#: Names an output of a version that did not list its files in its manifest.
_LEGACY_SUFFIXES = (".csv", ".json", ".nc", ".md")


def _manifest_of(folder: Path) -> dict | None:
    """The folder's manifest if an lngswap writer made it, else None."""
    p = folder / MANIFEST
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    if doc.get("written_by") == WRITER or WRITER in (doc.get("versions") or {}):
        return doc
    return None


def foreign_entries(folder: Path) -> list[str]:
    """Entries of an existing folder that lngswap did not write (all of them if the folder is
    not an lngswap output). A sub-folder that is itself an lngswap output counts as ours."""
    entries = sorted(p.name for p in folder.iterdir())
    if not entries:
        return []
    doc = _manifest_of(folder)
    if doc is None:
        return entries
    listed = set(doc.get("outputs") or {}) | {MANIFEST}
    legacy = "outputs" not in doc

    def ours(name: str) -> bool:
        p = folder / name
        if name in listed:
            return True
        if p.is_dir() and not p.is_symlink():
            return _manifest_of(p) is not None
        return legacy and p.is_file() and name.endswith(_LEGACY_SUFFIXES)

    return [n for n in entries if not ours(n)]


def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _check_writable_parent(target: Path, flag: str) -> None:
    anc = _nearest_existing(target.parent)
    if not anc.is_dir():
        raise InputError(f"{flag} {target}: {anc} is a file, not a folder; choose an output "
                         "path inside a folder")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise InputError(f"{flag} {target}: cannot write in {anc} (permission denied or a "
                         "read-only folder); choose a folder you can write to")


def check_folder_target(target: Path, *, overwrite: bool = False, flag: str = "--out") -> None:
    """Refuse (InputError) a results folder that would destroy or mix with a user's files.

    Has no side effects, so it can run before any work is done.
    """
    target = Path(target)
    if target.name in ("", ".", ".."):
        target = target.resolve()
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(f"{flag} {target}: a file is already there, not a results folder; "
                         "choose a new folder name")
    if target.is_dir():
        if target.resolve() == Path.cwd().resolve() and foreign_entries(target):
            raise InputError(f"{flag} {target}: is the current folder, which is not an lngswap "
                             "output folder; name a new folder for the results")
        foreign = foreign_entries(target)
        if foreign and not overwrite:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise InputError(f"{flag} {target}: holds files lngswap did not write ({shown}); "
                             "choose a new folder, or give --overwrite to replace only "
                             "lngswap's own files and keep the others")
    _check_writable_parent(target, flag)


@contextlib.contextmanager
def _locked(target: Path, flag: str) -> Iterator[None]:
    """Hold the lock file beside `target` (writers to one target take turns)."""
    lock = target.parent / f".{target.name}{_LOCK}"
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise InputError(f"{flag} {target}: cannot create the lock file {lock}: "
                             f"{e.strerror}") from None
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits while another lngswap run writes there
        try:
            same = os.fstat(fd).st_ino == lock.stat().st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder before us removed the file: lock the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)


def _clean_debris(target: Path) -> list[str]:
    """Remove temporary folders a killed writer left beside `target`; say what went."""
    notes = []
    for p in sorted(target.parent.glob(f".{target.name}{_TMP}*")):
        shutil.rmtree(p, ignore_errors=True)
        if p.is_file():
            p.unlink(missing_ok=True)
        notes.append(f"removed {p.name}, left beside {target.name} by an interrupted run")
    return notes


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        return False
    err = ctypes.get_errno()
    raise OSError(err, os.strerror(err), str(b))


def _hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def output_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file a writer put in `folder` (sub-folders as 'sub/name')."""
    return {p.relative_to(folder).as_posix(): _hash(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def _finish_manifest(tmp: Path, manifest: dict) -> None:
    top = sorted({p.name for p in tmp.iterdir()} - {MANIFEST})
    doc = dict(manifest, written_by=WRITER, outputs={n: "" for n in top},
               output_hashes=output_hashes(tmp))
    (tmp / MANIFEST).write_text(json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n",
                                encoding="utf-8")


def _install(tmp: Path, target: Path, overwrite: bool) -> None:
    if not target.exists():
        tmp.rename(target)
        return
    foreign = set(foreign_entries(target))
    if foreign:  # only with overwrite: write our names, keep every other entry
        assert overwrite
        clash = sorted(foreign & {p.name for p in tmp.iterdir()})
        if clash:
            raise InputError(f"--overwrite {target}: the folder holds files of the user's named "
                             f"like lngswap's outputs ({', '.join(clash)}); move them or choose "
                             "a new folder")
        for p in sorted(tmp.iterdir()):
            dst = target / p.name
            if dst.is_dir() and not dst.is_symlink():
                shutil.rmtree(dst)
            p.replace(dst)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    if _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        return
    old = target.with_name(f".{target.name}{_TMP}old")
    target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def write_folder(target: Path, fill: Callable[[Path], None], manifest: dict, *,
                 overwrite: bool = False, flag: str = "--out") -> list[str]:
    """Write a results folder: `fill(tmp)` writes the files, then the manifest (with the list
    and hashes of what was written) is added and the folder put in place whole.

    Returns notes for the user (debris of interrupted runs removed). Any failure leaves the
    target as it was and nothing beside it.
    """
    target = Path(target)
    if target.name in ("", ".", ".."):
        target = target.resolve()
    check_folder_target(target, overwrite=overwrite, flag=flag)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{flag} {target}: cannot create {target.parent}: {e.strerror}") from None
    with _locked(target, flag):
        notes = _clean_debris(target)
        check_folder_target(target, overwrite=overwrite, flag=flag)  # again, under the lock
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}{_TMP}", dir=target.parent))
        except OSError as e:
            raise InputError(f"{flag} {target}: cannot write in {target.parent}: "
                             f"{e.strerror}") from None
        try:
            fill(tmp)
            _finish_manifest(tmp, manifest)
            _install(tmp, target, overwrite)
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise InputError(f"{flag} {target}: writing the results failed ({e.strerror or e}); "
                             "nothing was written") from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return notes


def write_file(path: Path, write: Callable[[Path], None], *, overwrite: bool = False,
               flag: str = "--out") -> Path:
    """Write one file whole or not at all: `write(tmp_path)` then rename into place.

    The folder must exist; an existing file is replaced only with `overwrite`.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"{flag} {path}: the folder {path.parent} does not exist; create it "
                         "first or choose another path")
    if path.is_dir():
        raise InputError(f"{flag} {path}: is a folder; expected a file name")
    if path.exists() and not overwrite:
        raise InputError(f"{flag} {path}: a file is already there; choose a new name or give "
                         "--overwrite to replace it")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise InputError(f"{flag} {path}: cannot write in {path.parent} (permission denied)")
    with _locked(path, flag):
        _clean_debris(path)  # temp files a killed writer of this file left
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}{_TMP}", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            write(tmp)
            tmp.replace(path)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise InputError(f"{flag} {path}: writing failed ({e.strerror or e}); nothing was "
                             "written") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return path

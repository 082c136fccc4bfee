"""Writing a file so that a reader sees the old text or the new one, never a mix, and a write another
program makes while agentkit saves is never silently overwritten.

The new text goes to a temporary file beside the file, is synced, and takes the file's place. Where Linux
offers it, the place is taken by exchanging the two names in one step (renameat2 RENAME_EXCHANGE): the
file that was there is then under the temporary name, and agentkit checks that it is the very file it
checked (same inode, same bytes) and that no other program still holds it open for writing (a read lease
is granted only then). If not, the names are exchanged back and the save is a ConflictError: the other
program's write stays in the file. Elsewhere (macOS, file systems without the exchange), the identity is
checked just before a plain rename, and a write landing in the microseconds between is lost.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import secrets
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentkit._errors import ConflictError, EditError

Identity = tuple[int, int, int, int, int, int]  # links, device, inode, size, mtime, ctime (ns)
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_ATTEMPTS = 3  # a file that keeps changing while it is saved is a conflict after this many tries


def atomic_write(
    target: Path,
    data: bytes,
    *,
    check: Callable[[bytes | None], None] | None = None,
    leads_to: str | None = None,
) -> Path:
    """Write `data` to `target` atomically; return the file written (links resolved).

    A symlink is followed: the file it points to is replaced and the link stays. With `leads_to` (the
    file `target` led to when it was read), a path that now leads elsewhere (a link put in the file's
    place, a folder swapped for a link) is a ConflictError and nothing is written. A new file gets the mode
    `open()` would give it (0666 less the umask); an existing file keeps its mode (and its owner, where
    allowed). A file with several hard links is rewritten in place, so the links stay one file: a crash
    during that write can leave it incomplete, with the complete new text kept beside it.

    `check(current)` is called with the file's bytes as they are just before the new text takes its place
    (None if it is missing) and may raise to abort; with no `check`, whatever is there is replaced. See the
    module's docstring for how a write by another program in the meantime is caught.
    """
    real = Path(os.path.realpath(target))
    if leads_to is not None and str(real) != leads_to:
        raise ConflictError(
            f"{target} now leads to {real}, not to {leads_to} as when it was loaded (a symbolic link was "
            "put in its place, or in a folder's); nothing was written. Check it; save with force=True "
            "to write through it"
        )
    try:
        before = os.stat(real)
    except FileNotFoundError:
        before = None
    if before is not None and not stat.S_ISREG(before.st_mode):
        raise EditError(f"{target} is not a regular file; agentkit writes only regular files")
    if before is None and check is not None and not real.parent.is_dir():
        check(None)  # a file deleted with its folder since it was loaded: refuse before making anything
    real.parent.mkdir(parents=True, exist_ok=True)
    folder = _Folder(real.parent)
    try:
        tmp = f".{real.name[:32]}.{secrets.token_hex(4)}.tmp"
        ours = folder.write_new(tmp, data, before, target)
        try:
            _replace(folder, tmp, real.name, ours, data, target, check)
        except BaseException as exc:
            error = exc.error if isinstance(exc, _Kept) else exc
            if not isinstance(exc, _Kept):
                with contextlib.suppress(OSError):
                    folder.unlink(tmp)
            if isinstance(error, OSError) and error.errno is not None:  # name the file, not the temporary one
                raise OSError(error.errno, error.strerror, str(target)) from None
            raise error from None
        folder.sync()  # make the rename itself durable
    finally:
        folder.close()
    return real


class _Kept(Exception):
    """Abort, keeping the temporary file (it holds something nobody else has)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _replace(
    folder: _Folder,
    tmp: str,
    name: str,
    ours: tuple[int, int],
    data: bytes,
    target: Path,
    check: Callable[[bytes | None], None] | None,
) -> None:
    """Put the temporary file `tmp` in the place of `name`, as `atomic_write` describes."""
    for _ in range(_ATTEMPTS):
        current, identity = folder.read(name)
        if check is not None:
            check(current)
        if identity is not None and identity[0] > 1:  # hard links: rewrite in place, they stay one file
            if folder.identity(name) != identity:
                raise ConflictError(f"{target} changed on disk while it was being saved; nothing was written")
            try:
                folder.write_in_place(name, data)
            except BaseException as exc:
                raise _Kept(exc) from None  # until the file itself holds the new text
            folder.unlink(tmp)
            return
        if check is None:
            folder.replace(tmp, name)
            return
        if identity is None:
            done = folder.rename2(tmp, name, _RENAME_NOREPLACE)
            if done is None:  # no such rename here: the plain one, after a last look
                if folder.identity(name) is not None:
                    continue
                folder.replace(tmp, name)
                return
            if done:
                return
            continue  # the file appeared meanwhile: check it
        done = folder.rename2(tmp, name, _RENAME_EXCHANGE)
        if done is None:  # no exchange here: the identity just before the rename (a window remains)
            if folder.identity(name) != identity:
                raise ConflictError(f"{target} changed on disk while it was being saved; nothing was written")
            folder.replace(tmp, name)
            return
        if not done:
            continue  # the file went away meanwhile: check again
        # `tmp` now names the file that was in place. It must be the one checked, unchanged, and held open
        # for writing by nobody (a write through such a handle would land in a file about to be deleted).
        problem = folder.changed(tmp, identity[1:3], current)
        if problem is None:
            folder.unlink(tmp)
            return
        _swap_back(folder, tmp, name, ours, data, target, problem)
    raise ConflictError(f"{target} kept changing while it was being saved; nothing was written")


def _swap_back(
    folder: _Folder, tmp: str, name: str, ours: tuple[int, int], data: bytes, target: Path, problem: str
) -> None:
    """Put the other program's file back in place after an exchange, and raise the ConflictError."""
    why = f"{target} changed on disk while it was being saved ({problem}); nothing was written"
    try:
        done = folder.rename2(tmp, name, _RENAME_EXCHANGE)
    except OSError as exc:
        done = False
        why += f" (putting it back failed: {exc.strerror})"
    if not done:
        raise _Kept(ConflictError(f"{why}; the other version is kept in {folder.path / tmp}"))
    # Our text is back under the temporary name. A write that reached it while it was in place is kept.
    if folder.changed(tmp, ours, data) is not None:
        raise _Kept(
            ConflictError(
                f"{why}; a write that reached the new text meanwhile is kept in {folder.path / tmp}"
            )
        )
    raise ConflictError(why)


class _Folder:
    """The folder of the file being written, opened once: every name is taken relative to it, so the
    folder cannot be swapped for another during the save."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        if os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY"):
            flags = os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
            # A folder one may write in but not list still opens with O_PATH (Linux): enough to name files.
            for mode in (os.O_RDONLY, getattr(os, "O_PATH", None)):
                if mode is None:
                    continue
                try:
                    self.fd = os.open(path, mode | flags)
                    break
                except OSError:
                    continue

    def _at(self, name: str) -> str:
        return name if self.fd is not None else str(self.path / name)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def sync(self) -> None:
        with contextlib.suppress(OSError):
            fd = self.fd if self.fd is not None else os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                if fd != self.fd:
                    os.close(fd)

    def write_new(self, name: str, data: bytes, like: os.stat_result | None, target: Path) -> tuple[int, int]:
        """Create `name` holding `data`, synced, with the mode and owner of `like`; its (device, inode)."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self._at(name), flags, 0o666, dir_fd=self.fd)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        try:
            if like is not None and hasattr(os, "fchmod"):  # POSIX; owner first: chown clears setuid
                with contextlib.suppress(OSError):  # only root may give a file to someone else
                    os.fchown(fd, like.st_uid, like.st_gid)
                os.fchmod(fd, stat.S_IMODE(like.st_mode))
            _write_all(fd, data)
            os.fsync(fd)
            info = os.fstat(fd)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                self.unlink(name)
            raise
        os.close(fd)
        return info.st_dev, info.st_ino

    def _open_read(self, name: str) -> int | None:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        flags |= getattr(os, "O_NOFOLLOW", 0)  # a link put in the file's place is not followed
        try:
            return os.open(self._at(name), flags, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ConflictError(
                    f"{self.path / name} became a symbolic link while it was being saved; nothing was written"
                ) from None
            raise

    def read(self, name: str) -> tuple[bytes | None, Identity | None]:
        """The file's bytes and identity, read through one descriptor (so they belong together)."""
        fd = self._open_read(name)
        if fd is None:
            return None, None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise EditError(
                    f"{self.path / name} is not a regular file; agentkit writes only regular files"
                )
            return _read_all(fd), _identity_of(info)
        finally:
            os.close(fd)

    def identity(self, name: str) -> Identity | None:
        try:
            return _identity_of(os.stat(self._at(name), dir_fd=self.fd, follow_symlinks=False))
        except FileNotFoundError:
            return None

    def changed(self, name: str, inode: tuple[int, int], expected: bytes | None) -> str | None:
        """Why the file `name` is not the file `inode` holding `expected` and closed to writers, or None."""
        fd = self._open_read(name)
        if fd is None:
            return "it was removed"
        try:
            info = os.fstat(fd)
            if (info.st_dev, info.st_ino) != inode:
                return "another file took its place"
            if _open_for_writing(fd):
                return "another program has it open for writing"
            if _read_all(fd) != expected:
                return "its text changed"
            return None
        finally:
            os.close(fd)

    def rename2(self, source: str, target: str, flags: int) -> bool | None:
        """renameat2 with `flags`: True when done; False when `target` exists (RENAME_NOREPLACE) or is
        missing (RENAME_EXCHANGE); None when this system or file system cannot do it."""
        function = _renameat2()
        if function is None or self.fd is None:
            return None
        if function(self.fd, os.fsencode(source), self.fd, os.fsencode(target), flags) == 0:
            return True
        error = ctypes.get_errno()
        if error in (errno.EEXIST, errno.ENOENT):
            return False
        if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
            return None  # this file system cannot (NFS, some FUSE and overlay file systems)
        raise OSError(error, os.strerror(error))

    def replace(self, source: str, target: str) -> None:
        os.replace(self._at(source), self._at(target), src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def unlink(self, name: str) -> None:
        os.unlink(self._at(name), dir_fd=self.fd)

    def write_in_place(self, name: str, data: bytes) -> None:
        fd = os.open(self._at(name), os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), dir_fd=self.fd)
        try:
            _write_all(fd, data)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        finally:
            os.close(fd)


@functools.cache
def _renameat2() -> Any:
    """libc's renameat2 (Linux, glibc 2.28+), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _open_for_writing(fd: int) -> bool:
    """Whether another descriptor has this file open for writing. A read lease (Linux) is granted only
    when none has; it is released at once. Where leases cannot be taken (another owner without
    CAP_LEASE, a file system without them, another system), False: the bytes are all that is compared."""
    try:
        import fcntl
    except ImportError:
        return False
    lease = getattr(fcntl, "F_SETLEASE", None)
    if lease is None:
        return False
    with contextlib.suppress(OSError, AttributeError, ValueError):
        # Should the lease be broken in the microseconds it is held, the kernel signals this process:
        # with SIGURG, ignored unless handled, rather than SIGIO, which would end it.
        import signal

        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
    try:
        fcntl.fcntl(fd, lease, fcntl.F_RDLCK)
    except OSError as exc:
        return exc.errno == errno.EAGAIN
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, lease, fcntl.F_UNLCK)
    return False


def _identity_of(st: os.stat_result) -> Identity:
    return (st.st_nlink, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]

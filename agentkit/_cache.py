"""A cache of what a command found in each file, so that a second run over unchanged files costs little more
than checking that they are unchanged (as ruff's cache does; `agentkit lint` and `agentkit inventory`).

Where: `$AGENTKIT_HOME/cache/` when AGENTKIT_HOME is set, else the platform's user cache folder
(`~/.cache/agentkit` on Linux). Not a `.agentkit_cache` folder in the project, as ruff keeps `.ruff_cache`:
agentkit reads agent folders wherever they are (`~/.claude/agents`, other people's repositories through the
pre-commit hook, read-only checkouts), and a cache written into them would need a `.gitignore` in each and
fail where they cannot be written. One cache folder per user serves every folder; it is marked with a
CACHEDIR.TAG so that backups skip it, and files unused for 30 days are removed.

A cache file holds one command signature: the command, its options, the paths as given, the working
folder, agentkit's version, a digest of agentkit's source code (the rule set as it runs: an edited rule
cannot reuse old results, even without a new version number), the Claude Code version whose reading is
modelled, and Python's version. Nothing is ever read under another signature. The file is named after the
command, options, paths and folder only, so a new version writes over the old file instead of adding one.

Inside, one entry per file path: the file's identity when it was read (size, mtime_ns, ctime_ns, inode,
device, mode), the time the run that read it started, a SHA-256 of its bytes, and the command's result for
it. An entry is used without reading the file when the identity is the same and the file was last changed
(mtime and ctime) more than `RACY_SECONDS` before the run that read it started: a change after that read
would have moved the ctime, which no program can set back. Otherwise (a changed identity, a file touched
just before it was read, a clock that went back) the file is read and its hash decides: the same bytes keep
the entry, other bytes make the command read the file again. A rename is another path, hence another entry.

A command's whole result is a function of its files' results, in order, and its options. The last one is
kept too (`remember`), and given back (`recall`) when the same files, in the same order, all came from the
cache: then neither the work across files (name clashes, rules that read every file) nor the output is done
again, and the files' results are not even decoded. A file whose identity changed but whose bytes did not
(touched, checked out again, or written just before the last run) is `confirm`ed by its digest alone, so
that such a run still recalls the whole result; its new identity is saved with the parts that did not
change copied from the old file as they are, not decoded and encoded again.

Writes are atomic (a temporary file in the same folder, renamed over the old one), so concurrent runs each
leave a whole cache and the last one wins. Each part of the file carries a CRC-32: a file that is cut
short, overwritten or otherwise damaged is ignored with a warning, and the run goes on without it.
"""

from __future__ import annotations

import errno
import hashlib
import marshal
import os
import sys
import tempfile
import time
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FORMAT = 2  # the layout of a cache file; a new one makes the old files unreadable, not wrong
MAGIC = b"agentkit-cache\n"
RACY_SECONDS = 2  # coarser than any file system's timestamps (FAT: 2 s) and a clock's small steps
UNUSED_DAYS = 30
# The parts of a signature that say which code made the results, not which run they are for.
VERSIONS = frozenset({"cache format", "code", "python", "agentkit", "claude_code"})
MISS = object()  # what `value`, `verify` and `recall` return when nothing stored can be used

# The file: MAGIC, FORMAT (2 bytes), then the length (8 bytes) and CRC-32 (4 bytes) of each of three parts,
# then the parts, each marshal data: the index (signature, {path: (identity, checked_ns, digest)}, the key
# of the last run: (digest of its listing, variant) or None), the last run's result, and the files' results
# ({path: result}). The last two are read only when a run needs them, or copied as they are.
_PARTS = 3
_HEAD = len(MAGIC) + 2 + _PARTS * 12
_INDEX, _REPORT, _RESULTS = range(_PARTS)


def folder() -> Path:
    """Where cache files are kept (see the module docstring)."""
    home = os.environ.get("AGENTKIT_HOME")
    if home:
        return Path(home).expanduser() / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("agentkit"))


def code_digest() -> str:
    """SHA-256 of agentkit's source code (every .py file of the package): what produces the results."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                digest.update(os.path.relpath(path, root).encode("utf-8", "surrogatepass") + b"\0")
                try:
                    with open(path, "rb") as file:
                        digest.update(file.read())
                except OSError:  # unreadable source: its name alone (the file is still listed)
                    pass
                digest.update(b"\0")
    return digest.hexdigest()


def file_digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def identity(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev, info.st_mode)


class FileCache:
    """The cache of one command signature. For each file: `check` it by its path and `os.stat`; if it
    passes, its `value` is the stored result; if not, read the file and `verify` the digest of its bytes;
    when that misses too, compute the result and `store` it. `save` at the end."""

    def __init__(
        self,
        path: Path | None,
        signature: str,
        index: dict[str, tuple[Any, ...]] | None = None,
        run_key: Any = None,
        file: Any = None,
        parts: list[tuple[int, int, int]] | None = None,
    ) -> None:
        self.path = path  # None: caching is off (--no-cache), nothing is looked up or saved
        self.signature = signature
        self.started_ns = time.time_ns()  # before any file is looked at (see `check`)
        self.warnings: list[str] = []
        self._index = index or {}
        self._file = file  # the cache file, open, while its unread parts may be needed
        self._parts = parts  # (offset, size, CRC-32) of each part of that file
        self._results: dict[str, Any] | None = None if file is not None else {}
        self._new_index: dict[str, tuple[Any, ...]] = {}
        self._new_results: dict[str, Any] = {}
        self._run_key = run_key  # (digest of the listing, variant) of the run the file holds, see `recall`
        # The last run's result: _KEPT while the one in the file still holds (unread), None when none does,
        # else (key, result) as `remember` made it.
        self._run: Any = _KEPT if run_key is not None and file is not None else None
        self._changed = False
        self._stored_intact = file is not None  # the results part, unread or decoded whole: copied as it is
        self.hits = self.verified = self.misses = 0

    @classmethod
    def off(cls) -> FileCache:
        return cls(None, "")

    @property
    def active(self) -> bool:
        """False for a cache that is off: nothing is looked up or stored, and no file needs hashing."""
        return self.path is not None

    @classmethod
    def open(cls, kind: str, key: Mapping[str, Any]) -> FileCache:
        """The cache for command `kind` with the options, paths and versions in `key` (the caller gives
        agentkit's and Claude Code's versions; the digest of agentkit's code, Python's version and the
        working folder are added here); empty when there is none yet, or when the file cannot be used
        (then with a warning in `warnings`)."""
        ours = {"command": kind, "cache format": FORMAT, "code": code_digest(), "python": sys.version}
        ours["working folder"] = os.getcwd()
        if ours.keys() & key.keys():
            raise ValueError(f"the cache key may not set {sorted(ours.keys() & key.keys())}")
        everything = {**key, **ours}
        signature = repr(sorted(everything.items()))
        # The file is named after what it is about, not the versions: a new agentkit (or an edited one)
        # finds the old file under the same name, sees another signature, and writes over it, rather than
        # leaving one more file behind.
        place = repr(sorted((k, v) for k, v in everything.items() if k not in VERSIONS))
        name = f"{kind}-{hashlib.sha256(place.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}.cache"
        path = folder() / name
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except (FileNotFoundError, NotADirectoryError):  # none yet (`save` says why, if it cannot write one)
            return cls(path, signature)
        except OSError as exc:
            cache = cls(path, signature)
            cache.warnings.append(
                f"the cache {path} cannot be read ({exc.strerror or exc}); going on without it"
            )
            return cache
        # The index now; the results part only if the run needs it, read later through the same descriptor
        # (another run may replace the file meanwhile: this one keeps reading the file it opened).
        file = os.fdopen(fd, "rb")
        try:
            index, run_key, parts = _decode(file, signature)
        except (_Damaged, OSError) as exc:
            file.close()
            cache = cls(path, signature)
            if isinstance(exc, _Damaged):
                cache.warnings.append(f"the cache {path} is {exc}: ignored (this run writes it again)")
                cache._changed = True
            else:
                cache.warnings.append(
                    f"the cache {path} cannot be read ({exc.strerror or exc}); going on without it"
                )
            return cache
        if parts is None:
            file.close()
            return cls(path, signature)
        return cls(path, signature, index, run_key, file, parts)

    # -- per file --------------------------------------------------------------------------------------

    def check(self, path: str, info: os.stat_result) -> bool:
        """Is the stored result for the file at `path` still its result, by its identity alone?"""
        entry = self._index.get(path)
        if entry is None:
            return False
        try:
            same, checked_ns, _digest = entry
        except (TypeError, ValueError):  # the CRC passed, so only another agentkit could have written this
            return False
        if same != identity(info) or max(info.st_mtime_ns, info.st_ctime_ns) >= checked_ns - _RACY_NS:
            return False
        self._new_index[path] = entry
        self.hits += 1
        return True

    def value(self, path: str) -> Any:
        """The stored result for a file that passed `check` (MISS if it was not stored after all)."""
        value = self._stored().get(path, MISS)
        if value is not MISS:
            self._new_results[path] = value
        return value

    def known(self, path: str) -> bool:
        """Is there an entry for `path` (one that `confirm` could vouch for by the file's bytes)?"""
        return path in self._index

    def confirm(self, path: str, info: os.stat_result, digest: bytes) -> bool:
        """Are the bytes of the file at `path` (read after `info` was taken) the ones its stored result was
        computed from? Then the entry is kept with the new identity, and its result is not decoded (see
        `recall`; `value` gives it)."""
        try:
            _identity, _checked_ns, stored = self._index[path]
        except (KeyError, TypeError, ValueError):  # no entry, or not one this code writes
            return False
        if stored != digest:
            return False
        if path not in self._new_index:
            self.verified += 1
        self._new_index[path] = (identity(info), self.started_ns, digest)
        self._changed = True
        return True

    def verify(self, path: str, info: os.stat_result, digest: bytes) -> Any:
        """The stored result for the file at `path` if its bytes (read after `info` was taken) are the ones
        it was computed from; else MISS. A hit is stored again with the new identity."""
        entry = self._index.get(path)
        if not isinstance(entry, tuple) or entry[-1:] != (digest,) or self.value(path) is MISS:
            return MISS
        self.confirm(path, info, digest)
        return self._new_results[path]

    def store(self, path: str, info: os.stat_result, digest: bytes, value: Any) -> None:
        """Remember `value` for the file at `path` whose bytes hash to `digest` (stat'ed before reading)."""
        if self.path is None:
            return
        self._new_index[path] = (identity(info), self.started_ns, digest)
        self._new_results[path] = value
        self._changed = True
        self._run = None  # computed from what this file held before: not to be recalled again
        self._stored_intact = False
        self.misses += 1

    def _stored(self) -> dict[str, Any]:
        """The files' results, read and decoded on first use. Damaged, they count as absent: the files are
        then read again, and the run stays right."""
        if self._results is None:
            results = self._part(_RESULTS, "its files are read again")
            self._results = results if isinstance(results, dict) else {}
            if not isinstance(results, dict):
                self._stored_intact = False
        return self._results

    def _part(self, which: int, otherwise: str) -> Any:
        """A part of the open cache file, decoded; MISS (with a warning) when it is damaged or unreadable."""
        if self._file is None or self._parts is None:
            return MISS
        offset, size, crc = self._parts[which]
        try:
            data = os.pread(self._file.fileno(), size, offset)
            if len(data) == size and zlib.crc32(data) == crc:
                return marshal.loads(data)
            self.warnings.append(
                f"the cache {self.path} is damaged (its checksum does not match); {otherwise}"
            )
        except (OSError, EOFError, ValueError, TypeError) as exc:
            self.warnings.append(f"the cache {self.path} cannot be read ({exc}); {otherwise}")
        self._changed = True  # written again, whole
        return MISS

    def close(self) -> None:
        """Let go of the cache file (`save` does it too)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            if self._results is None:
                self._results = {}
                self._stored_intact = False
            if self._run is _KEPT:
                self._run = None

    # -- the whole run -------------------------------------------------------------------------------------

    def recall(self, listing: list[str], variant: Any) -> Any:
        """The result `remember` kept in the last run, when this run has the same files in the same order
        (`listing`), every one of them unchanged (it passed `check` or `verify`), and the same `variant`
        (output options not in the signature); else MISS."""
        if self._run is not _KEPT or self.misses or self.hits + self.verified != len(listing):
            return MISS
        try:
            listed, kept_variant = self._run_key
        except (TypeError, ValueError):
            return MISS
        if kept_variant != variant or listed != _listing_digest(listing):
            return MISS
        result = self._part(_REPORT, "the output is made again")
        if result is MISS:
            self._run = None
        return result

    def remember(self, listing: list[str], variant: Any, result: Any) -> None:
        """Keep `result`, computed from this run's files (`listing`, in order) and `variant`, for `recall`."""
        if self.path is None:
            return
        self._run = ((_listing_digest(listing), variant), result)
        self._changed = True

    # -- the file --------------------------------------------------------------------------------------

    def save(self) -> None:
        """Write this run's entries (files no longer seen are dropped), atomically, when anything changed.
        A part this run did not change is copied from the old file as it is. A failure is a warning, never
        an error: the results are already right."""
        if self.path is None:
            return
        try:
            self._write()
        finally:
            self.close()

    def _write(self) -> None:
        same_files = self._new_index.keys() == self._index.keys()
        if not self._changed and same_files:
            _keep_fresh(self.path)  # type: ignore[arg-type]
            return
        parts: list[bytes | tuple[int, int, int]] = [b"", b"", b""]
        if self._stored_intact and same_files and self._file is not None and self._parts is not None:
            parts[_RESULTS] = self._parts[_RESULTS]  # the same results (touched files at most): as they are
            index = self._new_index
        else:
            stored = self._stored() if self._new_index.keys() - self._new_results.keys() else {}
            for path in self._new_index.keys() - self._new_results.keys():  # vouched for, not needed
                if path in stored:
                    self._new_results[path] = stored[path]
            index = {path: self._new_index[path] for path in self._new_results}  # no result: no entry
        run_key = None
        if self._run is _KEPT and self._file is not None and self._parts is not None:
            run_key, parts[_REPORT] = self._run_key, self._parts[_REPORT]
        elif isinstance(self._run, tuple):
            run_key = self._run[0]
        try:
            if not parts[_RESULTS]:
                parts[_RESULTS] = marshal.dumps(self._new_results)
            if not parts[_REPORT]:
                parts[_REPORT] = marshal.dumps(None if run_key is None else self._run[1])
            parts[_INDEX] = marshal.dumps((self.signature, index, run_key))
        except ValueError:  # a value marshal cannot hold: a bug in the caller; the run itself is right
            self.warnings.append("the cache was not saved (a result it cannot hold)")
            return
        head = MAGIC + FORMAT.to_bytes(2, "big")
        for part in parts:
            size, crc = (len(part), zlib.crc32(part)) if isinstance(part, bytes) else part[1:]
            head += size.to_bytes(8, "big") + crc.to_bytes(4, "big")
        directory = self.path.parent  # type: ignore[union-attr]
        try:
            new = not directory.is_dir()
            directory.mkdir(parents=True, exist_ok=True)
            if new:
                _tag(directory)
            fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=directory)
            try:
                try:
                    _write_all(fd, head)
                    for part in parts:
                        if isinstance(part, bytes):
                            _write_all(fd, part)
                        else:
                            _copy(self._file.fileno(), part[0], part[1], fd)
                finally:
                    os.close(fd)
                os.replace(temporary, self.path)  # type: ignore[arg-type]
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            where = exc.filename or directory
            self.warnings.append(
                f"the cache was not saved ({where}: {exc.strerror or exc}); --no-cache skips it"
            )
            return
        _prune(directory, keep=self.path)  # type: ignore[arg-type]


_KEPT = object()  # the last run's result in the cache file still holds (see FileCache._run)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _copy(source: int, offset: int, size: int, target: int) -> None:
    """`size` bytes of the file `source` from `offset` on, appended to `target` (by the kernel when it can:
    a part of hundreds of megabytes never passes through Python)."""
    end = offset + size
    copy_range = getattr(os, "copy_file_range", None)
    while offset < end and copy_range is not None:
        try:
            done = copy_range(source, target, end - offset, offset)
        except OSError:  # another file system, or a kernel without it: read and write
            break
        if not done:
            raise OSError(errno.EIO, "the cache file ended early while it was copied")
        offset += done
    while offset < end:
        data = os.pread(source, min(end - offset, 1 << 24), offset)
        if not data:
            raise OSError(errno.EIO, "the cache file ended early while it was copied")
        _write_all(target, data)
        offset += len(data)


_RACY_NS = RACY_SECONDS * 1_000_000_000


class _Damaged(Exception):
    pass


def _decode(
    file: Any, signature: str
) -> tuple[dict[str, tuple[Any, ...]], Any, list[tuple[int, int, int]] | None]:
    """The index and the key of the last run of a cache file, and where each part is (offset, size, CRC-32:
    the last run's result and the files' results are read and checked only when needed); _Damaged saying
    what is wrong with the file. A file of another signature (a clash of names) reads as empty."""
    head = file.read(_HEAD)
    if len(head) < _HEAD or not head.startswith(MAGIC):
        raise _Damaged("not an agentkit cache file (or it was cut short)")
    if int.from_bytes(head[len(MAGIC) : len(MAGIC) + 2], "big") != FORMAT:
        raise _Damaged("in another format")
    parts = []
    offset = _HEAD
    for at in range(len(MAGIC) + 2, _HEAD, 12):
        size = int.from_bytes(head[at : at + 8], "big")
        parts.append((offset, size, int.from_bytes(head[at + 8 : at + 12], "big")))
        offset += size
    if os.fstat(file.fileno()).st_size != offset:
        raise _Damaged("cut short, or longer than it says")
    _, size, crc = parts[_INDEX]
    part = file.read(size)
    if len(part) != size or zlib.crc32(part) != crc:
        raise _Damaged("damaged (its checksum does not match)")
    try:
        stored_signature, index, run_key = marshal.loads(part)
    except (EOFError, ValueError, TypeError):
        raise _Damaged("damaged (it cannot be decoded)") from None
    if stored_signature != signature:  # made by another agentkit or Python: not ours to use
        return {}, None, None
    if not isinstance(index, dict):
        raise _Damaged("damaged (unexpected contents)")
    return index, run_key, parts


def _listing_digest(listing: list[str]) -> bytes:
    return hashlib.sha256("\0".join(listing).encode("utf-8", "surrogatepass")).digest()


def _tag(directory: Path) -> None:
    """Mark the folder as a cache (https://bford.info/cachedir/): backup tools skip it."""
    try:
        with open(directory / "CACHEDIR.TAG", "x", encoding="ascii") as file:
            file.write(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by agentkit.\n"
            )
    except OSError:
        pass


def _keep_fresh(path: Path) -> None:
    """A cache that is used but unchanged keeps a recent mtime, so that pruning spares it."""
    try:
        if time.time() - path.stat().st_mtime > 86_400:
            os.utime(path)
    except OSError:
        pass


def _prune(directory: Path, keep: Path) -> None:
    """Remove cache files unused for UNUSED_DAYS, and temporary files a killed run left (older than a day)."""
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if entry.path == str(keep) or not (name.endswith(".cache") or name.startswith(".tmp-")):
            continue
        limit = 86_400 if name.startswith(".tmp-") else UNUSED_DAYS * 86_400
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime > limit:
                os.unlink(entry.path)
        except OSError:
            pass

"""Read files from users in a separate process with limits on memory and time.

A file someone uploads or imports is untrusted: a cell address far off the sheet makes the spreadsheet
library try to allocate hundreds of gigabytes and abort the whole process (SIGABRT cannot be caught in
Python), and a compressed file can expand to gigabytes that pass every check made before reading. So no
goldthread process that matters (the web server, the worker, a command) ever parses one itself. It starts
this module as a fresh Python process (``python -m goldthread.core.untrusted``) with a minimal
environment (no secrets, no database address), which first limits its own address space, CPU time, output
size and core dumps, then reads the file and writes what it found to a private folder:

- ``result.json``: plain data (metadata, validation issues, and each table's text columns);
- ``arrays.npz``: each table's numeric and date columns, loaded with ``allow_pickle=False``.

Neither format can run code when the parent reads it back, so even a file that took over the reading
process could not reach the one that stores the data. Whatever happens to the child (too much memory,
too long, a crash in a parsing library), the parent raises ``UnreadableFile`` with one sentence for the
person who gave the file. Progress lines on the child's standard output are passed to the caller's
``progress`` callback. Nothing here imports Django.
"""

from __future__ import annotations

import json
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .annexa.issues import UnreadableFile

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[str, int, int], None]

DEFAULT_MEMORY_MB = 3072  # the address space of the reading process (reading a large Annex A peaks near 600 MB)
DEFAULT_SECONDS = 300  # wall-clock time; CPU time is limited to the same
OUTPUT_LIMIT_BYTES = 4 * 1024**3  # what the child may write (its results)
MEMORY_EXIT = 3  # the child's exit status when it ran out of memory in Python code
_PROGRESS = "progress\t"

# Environment passed to the reading process: enough to run Python, nothing else (no secret key, no
# database address). One thread per numeric library: reading is single-threaded, and thread pools reserve
# address space that would count against the memory limit.
_ENV_KEEP = ("PATH", "LANG", "LC_ALL", "TZ", "HOME", "TMPDIR", "SYSTEMROOT")
_ENV_SET = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}


@dataclass(frozen=True)
class Limits:
    memory_mb: int = DEFAULT_MEMORY_MB
    seconds: int = DEFAULT_SECONDS

    @classmethod
    def from_environment(cls) -> Limits:
        """GOLDTHREAD_READ_MEMORY_MB and GOLDTHREAD_READ_SECONDS, when set."""
        return cls(_positive("GOLDTHREAD_READ_MEMORY_MB", DEFAULT_MEMORY_MB),
                   _positive("GOLDTHREAD_READ_SECONDS", DEFAULT_SECONDS))


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{name} must be a whole number greater than 0 (it is {raw!r}).")
    return int(raw)


@dataclass
class Parts:
    """What a reader returns, in a form that crosses the process boundary without pickle: plain data and
    named tables (pandas DataFrames whose columns are numbers, dates, nullable integers or booleans, or
    text/JSON-like objects)."""

    meta: dict[str, Any]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)


# Readers the child can run, by kind: "module:function" taking (path, **options) and returning Parts.
READERS = {
    "annex_a_share": "goldthread.core.annexa.transfer:read_share",
    "image": "goldthread.core.images:read_image",  # a council's logo: PNG or JPEG, re-encoded as PNG
    "cin_census": "goldthread.core.cin.transfer:read_parts",  # the CIN census XML
    "ssda903": "goldthread.core.ssda903.reader:read_parts",  # the SSDA903 return: CSV tables or XML
    "workforce": "goldthread.core.workforce.reader:read_parts",  # the council's monthly workforce list
}


# --------------------------------------------------------------------------- the parent's side


class Reading:
    """A file being read in a limited child process, started at once; ``result()`` waits for what it found.

    Starting the read early lets the caller do its own set-up while the child reads (a command imports the
    measure registry meanwhile, say). Raises ``UnreadableFile`` from ``result()`` (one sentence, naming the file
    as the user knows it) when the reader says the file cannot be read, or when the child runs out of memory or
    time, or dies. Progress lines reach ``progress`` on the thread that calls ``result()``."""

    def __init__(self, kind: str, path: str | Path, *, options: dict | None = None,
                 display_name: str | None = None, progress: Progress | None = None, limits: Limits | None = None,
                 shares: int = 1):
        if kind not in READERS:
            raise ValueError(f"No reader for {kind!r}.")
        self.limits = limits or Limits.from_environment()
        self.progress = progress
        path = Path(path).resolve()
        self.name = display_name or path.name
        self._folder = tempfile.TemporaryDirectory(prefix="goldthread-read-")
        self.out = Path(self._folder.name)
        os.chmod(self.out, 0o700)
        self.shares = shares
        request = {"kind": kind, "path": str(path), "out": str(self.out), "options": options or {},
                   "display_name": display_name, "memory_mb": self.limits.memory_mb, "seconds": self.limits.seconds,
                   "shares": shares}
        env = {k: os.environ[k] for k in _ENV_KEEP if k in os.environ} | _ENV_SET
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self.started = time.monotonic()
        self.child = subprocess.Popen(  # noqa: S603 - our own interpreter running our own module, no shell
            [sys.executable, "-s", "-m", "goldthread.core.untrusted"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=self.out, close_fds=True,
            start_new_session=True)
        assert self.child.stdin is not None and self.child.stdout is not None
        self.child.stdin.write(json.dumps(request).encode())
        self.child.stdin.close()
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._collector = threading.Thread(target=_collect, args=(self.child.stdout, self.lines), daemon=True)
        self._collector.start()

    def stop(self) -> None:
        """Stop the child if it is still reading (another reader failed) and remove its folder."""
        if self.child.poll() is None:
            _kill(self.child)
        self._folder.cleanup()

    def result(self) -> Parts:
        """What the reader found (the one share)."""
        return self.results()[0]

    def results(self) -> list[Parts]:
        """What each share's reader found, in share order."""
        try:
            deadline = self.started + self.limits.seconds + 5
            # Progress is reported on this thread (the caller's: it may write it to the database in its own
            # transaction), while another thread only collects the child's lines.
            while self.child.poll() is None:
                _report(self.lines, self.progress)
                if time.monotonic() > deadline:
                    _kill(self.child)
                    raise UnreadableFile(_too_long(self.name, self.limits))
                time.sleep(0.02)
            self._collector.join(timeout=5)
            _report(self.lines, self.progress)
            elapsed = time.monotonic() - self.started
            return [_outcome(self.out / str(k), self.child.returncode, self.name, self.limits, elapsed)
                    for k in range(self.shares)]
        finally:
            if self.child.poll() is None:
                _kill(self.child)
            self._folder.cleanup()


def read_untrusted(kind: str, path: str | Path, *, options: dict | None = None, display_name: str | None = None,
                   progress: Progress | None = None, limits: Limits | None = None) -> Parts:
    """Run the reader for ``kind`` on ``path`` in a limited child process and return what it found (see
    ``Reading``)."""
    return Reading(kind, path, options=options, display_name=display_name, progress=progress,
                   limits=limits).result()


def _too_long(name: str, limits: Limits) -> str:
    return (f"{name} took longer than {limits.seconds // 60 or 1} minute{'s' if limits.seconds >= 120 else ''} to "
            "read, far longer than a file of its kind should, so it was not read: it may be damaged. Save a fresh "
            "copy and try again.")


def _collect(stream, lines: queue.SimpleQueue) -> None:
    for line in stream:
        lines.put(line.decode("utf-8", "replace"))


def _report(lines: queue.SimpleQueue, progress: Progress | None) -> None:
    while True:
        try:
            text = lines.get_nowait()
        except queue.Empty:
            return
        if progress is None or not text.startswith(_PROGRESS):
            continue
        try:
            _, stage, done, total = text.rstrip("\n").split("\t")
        except ValueError:
            continue
        progress(stage, int(done), int(total))


def _kill(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def _outcome(out: Path, status: int, name: str, limits: Limits, elapsed: float) -> Parts:
    import numpy as np  # here, so that starting a read does not wait for numpy

    result = out / "result.json"
    if status == 0 and result.exists():
        data = json.loads(result.read_text(encoding="utf-8"))
        if "unreadable" in data:
            raise UnreadableFile(data["unreadable"])
        arrays = out / "arrays.npz"
        with np.load(arrays, allow_pickle=False) as npz:
            frames = {fname: _frame_from(spec, npz, fname, data["columns"][fname])
                      for fname, spec in data["frames"].items()}
        return Parts(data["meta"], frames)
    if status == MEMORY_EXIT or status in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS) and \
            elapsed < limits.seconds:
        raise UnreadableFile(f"{name} needs more than {limits.memory_mb:,} MB of memory to read, far more than a "
                             "file of its kind should, so it was not read: it may be damaged or built to cause "
                             "trouble. Save a fresh copy from Excel and upload that.")
    if status in (-signal.SIGXCPU, -signal.SIGKILL):
        raise UnreadableFile(_too_long(name, limits))
    raise UnreadableFile(f"{name} could not be read: the spreadsheet library stopped on it (it is damaged, or "
                         "built in a way spreadsheets are not), so nothing was read. Save a fresh copy from Excel "
                         "and upload that.")


# --------------------------------------------------------------------------- tables across the boundary

# How each column crosses: "datetime" (int64 nanoseconds, NaT kept), "Int64" / "boolean" (values + mask),
# "numeric" (a plain numpy array), "object" (JSON: text, numbers, None, dicts of text).


def _column_kind(series: pd.Series) -> str:
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.Int64Dtype):
        return "Int64"
    if isinstance(dtype, pd.BooleanDtype):
        return "boolean"
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return "datetime"
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return "numeric"
    return "object"


def _frame_parts(fname: str, frame: pd.DataFrame, arrays: dict) -> tuple[list, dict]:
    import numpy as np
    import pandas as pd

    missing, generic = pd.NA, np.generic

    def plain(value):
        """A cell as JSON can hold it: None for any kind of missing value, numpy scalars as Python ones."""
        if value is None or value is missing or (isinstance(value, float) and value != value):
            return None
        return value.item() if isinstance(value, generic) else value

    spec, texts = [], {}
    for i, column in enumerate(frame.columns):
        series = frame[column]
        kind = _column_kind(series)
        key = f"{fname}.{i}"
        if kind == "datetime":
            arrays[key] = series.to_numpy(dtype="datetime64[ns]").view(np.int64)
        elif kind in ("Int64", "boolean"):
            mask = series.isna().to_numpy()
            fill = 0 if kind == "Int64" else False
            arrays[key] = series.fillna(fill).to_numpy(dtype=np.int64 if kind == "Int64" else bool)
            arrays[key + ".mask"] = mask
        elif kind == "numeric":
            arrays[key] = series.to_numpy()
        else:
            texts[str(i)] = [plain(v) for v in series.tolist()]
            kind = f"object:{series.dtype}"  # "object", or pandas' text type, restored as it was
        spec.append([str(column), kind])
    return spec, texts


def _frame_from(spec: list, npz, fname: str, texts: dict) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    data: dict[str, object] = {}
    for i, (column, kind) in enumerate(spec):
        key = f"{fname}.{i}"
        if kind == "datetime":
            data[column] = npz[key].view("datetime64[ns]")
        elif kind == "Int64":
            data[column] = pd.arrays.IntegerArray(npz[key], npz[key + ".mask"])
        elif kind == "boolean":
            data[column] = pd.arrays.BooleanArray(npz[key], npz[key + ".mask"])
        elif kind == "numeric":
            data[column] = npz[key]
        else:
            values = np.empty(len(texts[str(i)]), dtype=object)
            values[:] = texts[str(i)]
            dtype = kind.partition(":")[2]
            data[column] = values if dtype in ("", "object") else pd.array(values, dtype=dtype)
    frame = pd.DataFrame(data)
    if frame.empty and not spec:
        return pd.DataFrame()
    return frame


def write_parts(parts: Parts, out: Path) -> None:
    import numpy as np

    arrays: dict = {}
    frames, columns = {}, {}
    for fname, frame in parts.frames.items():
        frames[fname], columns[fname] = _frame_parts(fname, frame, arrays)
    np.savez(out / "arrays.npz", **arrays)
    (out / "result.json").write_text(json.dumps({"meta": parts.meta, "frames": frames, "columns": columns}),
                                     encoding="utf-8")


# --------------------------------------------------------------------------- the child's side


def _limit_self(memory_mb: int, seconds: int) -> None:
    memory = memory_mb * 1024**2
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash never writes child-level data to a core file


def _child_progress(stage: str, done: int, total: int) -> None:
    sys.stdout.write(f"{_PROGRESS}{stage}\t{done}\t{total}\n")
    sys.stdout.flush()


def _read_share(reader, request: dict, share: int) -> int:
    """Read one share into out/<share>; the exit status for it (0, or MEMORY_EXIT)."""
    out = Path(request["out"]) / str(share)
    out.mkdir(mode=0o700)
    options = dict(request["options"])
    if request["shares"] > 1:
        options["share"] = [share, request["shares"]]
    try:
        parts = reader(Path(request["path"]), display_name=request["display_name"],
                       progress=_child_progress if share == 0 else None, **options)
        write_parts(parts, out)
    except UnreadableFile as exc:
        (out / "result.json").write_text(json.dumps({"unreadable": str(exc)}), encoding="utf-8")
    except MemoryError:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(mode=0o700)
        return MEMORY_EXIT
    return 0


def _child_main() -> int:
    """Limit this process, load the reader, then read: with several shares, fork a copy of this (already
    limited, single-threaded) process per further share, so that Python and the libraries load once and the
    shares are read at the same time. A share whose reader dies takes this process down the same way, so the
    caller sees what happened."""
    request = json.loads(sys.stdin.read())
    _limit_self(request["memory_mb"], request["seconds"])
    import importlib

    module_name, function_name = READERS[request["kind"]].split(":")
    reader = getattr(importlib.import_module(module_name), function_name)
    others = []
    for share in range(1, request["shares"]):
        pid = os.fork()
        if pid == 0:  # the copy reads its share and leaves at once
            os._exit(_read_share(reader, request, share))
        others.append(pid)
    status = _read_share(reader, request, 0)
    for pid in others:
        _, code = os.waitpid(pid, 0)
        if os.WIFSIGNALED(code):
            died = os.WTERMSIG(code)
            signal.signal(died, signal.SIG_DFL)
            os.kill(os.getpid(), died)
        status = status or os.WEXITSTATUS(code)
    return status


if __name__ == "__main__":
    sys.exit(_child_main())

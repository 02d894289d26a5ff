"""Benchmark: hostile uploads against a running goldthread while 20 signed-in people read pages.

Generates a fixed set of hostile and awkward files (a cell address far off the sheet, a low-ratio zip bomb
that passes the zip checks, a classic zip bomb, a damaged zip entry, a truncated workbook, a PDF and a web
page with spreadsheet names, CSV with old-Mac line ends, a CSV with a 40-digit number), sets up the demo in a
temporary folder (as benchmarks/portal_load.py does: SQLite, or PostgreSQL when DATABASE_URL names an admin
connection), starts gunicorn (2 workers x 4 threads) and one `goldthread worker`, signs in 20 clients that
read the dashboard and measure pages with no pause, and meanwhile uploads each file through the real upload
form as Northby's analyst, following each to its outcome.

Prints, per file: what happened (refused on the form, refused by the worker, or read) and the sentence the
uploader saw; then files refused, server processes lost (gunicorn workers or the job worker that died or were
replaced: target 0), errors seen by the reading clients (target 0), and the peak memory (RSS) of the web
server (master and workers together), the job worker, and the largest reading process. Exit status 1 when a
target is missed.

    .venv/bin/python benchmarks/hostile_uploads.py [--clients 20]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_load as load  # noqa: E402  (the same demo set-up, server and clients)

EXTRACT_DATE = "30/11/2025"
FOLLOW_TIMEOUT = 600  # seconds to wait for the worker to finish with one file


# --------------------------------------------------------------------------- the hostile files


def _xlsx_parts(sheet_xml: str) -> dict[str, str]:
    return {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
        'name="List 1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def far_off_cell() -> bytes:
    """One cell at XFD1048576: the sheet's dimension makes the spreadsheet library allocate 17 billion cells."""
    return _zip(_xlsx_parts('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" '
                            't="inlineStr"><is><t>Child Unique ID</t></is></c></row><row r="1048576"><c '
                            'r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'))


def low_ratio_bomb(rows: int = 2_000_000) -> bytes:
    """Cells in columns A and AZ of two million rows: compresses at well under 200:1, so the zip checks pass
    it, but the grid is 104 million cells."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="AZ{r}"><v>{r * 7}</v></c></row>'
                   for r in range(1, rows + 1))
    return _zip(_xlsx_parts('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                            f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'))


def classic_bomb() -> bytes:
    """A gigabyte of zeros in a zip of CSVs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("List 1.csv", "w", force_zip64=True) as member:
            block = b"0" * (1024 * 1024)
            for _ in range(1024):
                member.write(block)
    return buffer.getvalue()


L1 = "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Contact,Contact Source"


def damaged_zip_entry() -> bytes:
    data = bytearray(_zip({"List 1.csv": (L1 + "\r\n" + "1,Male,WBRI,01/01/2015,6,01/03/2021,Police\r\n" * 200)}))
    start = data.index(b"List 1.csv") + len("List 1.csv")
    data[start + 10:start + 60] = b"\xff" * 50
    return bytes(data)


def truncated_workbook(sample: bytes) -> bytes:
    return sample[: len(sample) // 2]


def cr_only_csv() -> bytes:
    return (L1 + "\r" + "\r".join(f"{i},Male,WBRI,01/01/2015,6,01/11/2025,Police" for i in range(1, 501)) + "\r").encode()


def huge_integer_csv() -> bytes:
    header = ("Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date Started to be Looked After,"
              "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months")
    return (header + "\n" + "\n".join(f"{i},Male,WBRI,01/01/2015,6,01/03/2020,{'9' * 40}" for i in range(1, 101))
            + "\n").encode()


def hostile_files(sample: bytes) -> list[tuple[str, str, bytes]]:
    """(what it is, file name, content)."""
    return [
        ("cell address far off the sheet", "far off.xlsx", far_off_cell()),
        ("low-ratio zip bomb (104 million cells)", "low ratio.xlsx", low_ratio_bomb()),
        ("classic zip bomb (1 GB of zeros)", "zeros.zip", classic_bomb()),
        ("damaged zip entry", "damaged.zip", damaged_zip_entry()),
        ("truncated workbook", "truncated.xlsx", truncated_workbook(sample)),
        ("PDF named .xlsx", "scan.xlsx", b"%PDF-1.4\x00\x01 not a workbook" * 100),
        ("web page named .xls", "report.xls", b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>"),
        ("CSV with old-Mac (CR only) line ends", "List 1.csv", cr_only_csv()),
        ("CSV with a 40-digit number", "List 8.csv", huge_integer_csv()),
    ]


# --------------------------------------------------------------------------- uploading and following


class Uploader(load.Client):
    def upload(self, council: str, name: str, content: bytes) -> tuple[int, str, str]:
        """POST the upload form; return (status, Location, page)."""
        _, form = self.request("GET", f"/councils/{council}/upload/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1).decode()
        boundary = uuid.uuid4().hex
        parts = []
        for field, value in (("csrfmiddlewaretoken", token), ("extract_date", EXTRACT_DATE)):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n{value}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        body = b"".join(parts)
        connection = load.http.client.HTTPConnection("127.0.0.1", self.port, timeout=load.REQUEST_TIMEOUT)
        with contextlib.closing(connection):
            connection.request("POST", f"/councils/{council}/upload/", body=body, headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}", "Connection": "close",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                "Referer": f"http://127.0.0.1:{self.port}/councils/{council}/upload/"})
            response = connection.getresponse()
            page = response.read().decode("utf-8", "replace")
            return response.status, response.getheader("Location") or "", page

    def follow(self, report: str) -> dict:
        deadline = time.monotonic() + FOLLOW_TIMEOUT
        while time.monotonic() < deadline:
            status, body = self.request("GET", report.rstrip("/") + "/status/")
            state = json.loads(body) if status == 200 else {"status": f"HTTP {status}", "message": ""}
            if state["status"] not in ("checking", "queued", "importing"):
                return state
            time.sleep(0.5)
        return {"status": "still checking after the timeout", "message": ""}


def form_error(page: str) -> str:
    found = re.search(r'<p id="file-error" class="govuk-error-message">.*?</span>\s*(.*?)</p>', page, re.S)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else ""


# --------------------------------------------------------------------------- watching the processes


def rss_kb(pid: int) -> int:
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(FileNotFoundError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError):
                found += [int(p) for p in (task / "children").read_text().split()]
    return found


class Watcher(threading.Thread):
    """Samples memory every 0.1 s and notes every process id the server and the worker have had."""

    def __init__(self, master: int, worker: int):
        super().__init__(daemon=True)
        self.master, self.worker = master, worker
        self.stop = threading.Event()
        self.server_peak = self.worker_peak = self.reader_peak = 0
        self.server_pids: set[int] = set(children(master))

    def run(self) -> None:
        while not self.stop.is_set():
            workers = children(self.master)
            self.server_pids.update(workers)
            self.server_peak = max(self.server_peak, rss_kb(self.master) + sum(rss_kb(p) for p in workers))
            self.worker_peak = max(self.worker_peak, rss_kb(self.worker))
            for reader in children(self.worker):
                self.reader_peak = max(self.reader_peak, rss_kb(reader))
            self.stop.wait(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="signed-in clients reading pages (default 20)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sample = (Path(__file__).resolve().parents[1] / "src" / "goldthread" / "core" / "annexa" / "tests" / "data"
              / "annex_a_sample_liia.xlsx").read_bytes()
    started = time.perf_counter()
    files = hostile_files(sample)
    print(f"files: {len(files)} generated in {time.perf_counter() - started:.1f} s "
          f"({sum(len(c) for _, _, c in files) / 1024**2:.1f} MB in all)", flush=True)

    work = Path(tempfile.mkdtemp(prefix="goldthread-hostile-"))
    stop = threading.Event()
    worker = None
    try:
        with load.database(os.environ.get("DATABASE_URL")) as database_url:
            env = {k: v for k, v in os.environ.items() if not k.startswith("GOLDTHREAD_") and k != "DATABASE_URL"}
            env.update(GOLDTHREAD_DATA_DIR=str(work), GOLDTHREAD_DEMO="1", GOLDTHREAD_DEBUG="0",
                       GOLDTHREAD_SECURE_COOKIES="0", DJANGO_SETTINGS_MODULE="goldthread.settings")
            if database_url:
                env["DATABASE_URL"] = database_url
            setup = subprocess.run([sys.executable, "-m", "goldthread", "demo", "--no-serve", "--months", "2"],  # noqa: S603
                                   env=env, cwd=work, capture_output=True, text=True, timeout=load.SETUP_TIMEOUT)
            if setup.returncode != 0:
                raise SystemExit(f"goldthread demo failed:\n{setup.stdout}{setup.stderr}")
            print("database: " + ("PostgreSQL" if database_url else "SQLite") + ", the demo's data", flush=True)
            with open(work / "worker.log", "wb") as worker_log:
                worker = subprocess.Popen([sys.executable, "-m", "goldthread", "worker"], env=env, cwd=work,  # noqa: S603
                                          stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
            with load.gunicorn(env, work, 2, 4) as (port, master):
                print(f"server: gunicorn 2 workers x 4 threads on 127.0.0.1:{port}; one goldthread worker", flush=True)
                watcher = Watcher(master, worker.pid)
                watcher.start()
                readers = [load.Client(port, load.USERS[i % len(load.USERS)], i) for i in range(args.clients)]
                ready = threading.Barrier(args.clients + 1)
                failures: list[str] = []
                threads = [threading.Thread(target=load.run_client, args=(c, ready, stop, failures), daemon=True)
                           for c in readers]
                for thread in threads:
                    thread.start()
                ready.wait(timeout=load.START_TIMEOUT)
                uploader = Uploader(port, "analyst", 0)
                uploader.sign_in()
                outcomes = []
                for what, name, content in files:
                    begun = time.perf_counter()
                    status, location, page = uploader.upload(load.COUNCIL, name, content)
                    if status == 302:
                        state = uploader.follow(location)
                        outcome = ("refused by the worker" if state["status"] == "refused" else
                                   f"read ({state['status']})", state.get("message", ""))
                    else:
                        outcome = ("refused on the form", form_error(page) or f"HTTP {status}")
                    outcomes.append((what, *outcome, time.perf_counter() - begun))
                    print(f"  {what}: {outcome[0]} in {time.perf_counter() - begun:.1f} s", flush=True)
                stop.set()
                for thread in threads:
                    thread.join(timeout=load.REQUEST_TIMEOUT + 5)
                watcher.stop.set()
                watcher.join()
                server_lost = len(watcher.server_pids) - len(children(master))
                worker_lost = 0 if worker.poll() is None else 1
                requests = sum(len(v) for c in readers for v in c.latencies.values())
                errors = sum(sum(c.errors.values()) for c in readers)
                log = load.log_tail(work, 40)
    finally:
        stop.set()
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)

    refused = sum(1 for _, outcome, _, _ in outcomes if outcome.startswith("refused"))
    print("\nwhat the uploader saw:")
    for what, outcome, message, _ in outcomes:
        print(f"  {what}: {outcome}" + (f"\n      \"{message}\"" if message else ""))
    print(f"\nfiles sent: {len(outcomes)}; refused with one sentence: {refused}; read: {len(outcomes) - refused}")
    print(f"server processes lost: {server_lost + worker_lost} (gunicorn workers replaced: {server_lost}, job "
          f"worker died: {worker_lost}) (target 0)")
    print(f"reading clients: {requests:,} requests, {errors} errors (target 0)")
    for client in readers:
        for what, count in client.errors.most_common(3):
            print(f"  {count} x {what}")
    print(f"peak memory (RSS): web server {watcher.server_peak / 1024:.0f} MB (master and workers), job worker "
          f"{watcher.worker_peak / 1024:.0f} MB, largest reading process {watcher.reader_peak / 1024:.0f} MB")
    passed = server_lost + worker_lost == 0 and errors == 0
    if not passed:
        print(f"server log (last lines):\n{log}")
    print(f"\ntargets (no process lost, no client error): {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted; the server and worker are stopped and the temporary data removed")

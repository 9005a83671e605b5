"""A gunicorn config file that records, per worker, what a tail is made of (benchmarks only).

``gunicorn -c bench/gunicorn_probe.py ...`` with EVALSYS_PROBE_DIR set: each worker appends to
``<dir>/worker-<pid>.txt`` one line per garbage collection that took 1 ms or more (``gc
<generation> <ms> <unix time>``) and one per request (``req <ms in the worker> <unix time>``),
from gunicorn's pre_request and post_request hooks. bench_submissions.py reads them to tell a
pause inside the worker (a collection, a slow statement) from a wait outside it (the accept
queue, the thread hand-off, the other processes on the cores).
"""

from __future__ import annotations

import gc
import os
import threading
import time

_local = threading.local()


def post_fork(server, worker):
    folder = os.environ.get("EVALSYS_PROBE_DIR")
    if not folder:
        return
    worker.probe = open(os.path.join(folder, f"worker-{os.getpid()}.txt"), "a", buffering=1)  # noqa: SIM115
    started = {}

    def collected(phase, info):
        if phase == "start":
            started[threading.get_ident()] = time.perf_counter()
            return
        begin = started.pop(threading.get_ident(), None)
        if begin is not None:
            ms = 1000 * (time.perf_counter() - begin)
            if ms >= 1:
                worker.probe.write(f"gc {info['generation']} {ms:.2f} {time.time():.3f}\n")

    gc.callbacks.append(collected)


def pre_request(worker, req):
    _local.started = time.perf_counter()


def post_request(worker, req, environ, resp):
    probe = getattr(worker, "probe", None)
    begin = getattr(_local, "started", None)
    if probe is not None and begin is not None:
        probe.write(f"req {1000 * (time.perf_counter() - begin):.2f} {time.time():.3f}\n")

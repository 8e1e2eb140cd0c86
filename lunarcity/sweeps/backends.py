"""Where a sweep's runs execute: a local process pool, or a Dask cluster.

Both backends keep only a bounded number of runs in flight (so memory stays flat however many
runs the sweep has) and yield (task, output) pairs to the parent, which writes every file. A
local pool never forks (the parent may hold threads and open files) and its workers die with the
sweep's process, even when it is killed.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

from lunarcity.errors import InputError, StoppedShort
from lunarcity.optional import require
from lunarcity.sweeps.worker import RunOutput, RunTask, execute_run

#: Runs in flight per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 2


class WorkerDied(StoppedShort):
    """A worker process died mid-run (killed, out of memory); the sweep can be resumed."""


# -- execution backends ----------------------------------------------------------------------
def _pool_context() -> multiprocessing.context.BaseContext:
    # Never fork: the parent may hold threads (rich's progress refresh) and open files.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Workers forked from a server that imported the model start their first run warm.
        ctx.set_forkserver_preload(
            [
                "lunarcity.sweeps.worker",
                "lunarcity.world.scenario",
                "lunarcity.runner",
                "polars",
            ]
        )
        return ctx
    return multiprocessing.get_context("spawn")


def run_local(tasks: Iterator[RunTask], workers: int) -> Iterator[tuple[RunTask, RunOutput]]:
    """Run tasks on a local process pool (in this process when ``workers`` is 1)."""
    if workers <= 1:
        for task in tasks:
            yield task, execute_run(task)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = _pool_context()
    # A lifeline: the workers hold its reading end, only this process its writing end. When this
    # process dies, even by SIGKILL, the kernel closes the writing end and every worker sees EOF
    # and exits. (Their parent is the forkserver, which outlives us while they run, so a
    # parent-death signal would not fire; and the pool's own queues never see EOF, as each worker
    # holds a writer of them.)
    lifeline_r, lifeline_w = ctx.Pipe(duplex=False)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(lifeline_r,),
    )
    pending: dict[Any, RunTask] = {}
    limit = workers * IN_FLIGHT_PER_WORKER
    try:
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < limit:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                try:
                    future = pool.submit(execute_run, task)
                except BrokenProcessPool as exc:
                    # The pool broke while this process was handing out the runs finished: the
                    # next submission, not a run's result, is the first to meet it.
                    in_flight = [t.run_id for t in pending.values()]
                    raise _worker_died(min(in_flight, default=task.run_id)) from exc
                pending[future] = task
            if not pending:
                break
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: pending[f].run_id):
                task = pending.pop(future)
                try:
                    yield task, future.result()
                except BrokenProcessPool as exc:
                    raise _worker_died(task.run_id) from exc
    except BaseException:
        # Interrupted (Ctrl-C, an error, the consumer gone): stop the runs in flight now rather
        # than wait for them; they have no file yet, so a rerun does them again.
        for pid in list(getattr(pool, "_processes", None) or {}):
            _terminate(pool, pid)
        pool.shutdown(wait=False, cancel_futures=True)
        _close(lifeline_r, lifeline_w)
        raise
    pool.shutdown(wait=True)
    _close(lifeline_r, lifeline_w)


def _worker_died(run_id: int) -> WorkerDied:
    """The stop for a pool whose worker died (the pool cannot say which run that worker held)."""
    return WorkerDied(
        f"a worker process died with run {run_id} in flight (out of memory, or it could not "
        "start: see any error printed above); the runs finished are kept: run the same command "
        "again to resume"
    )


def _close(*connections: Any) -> None:
    for connection in connections:
        connection.close()


def _init_worker(lifeline: Any = None) -> None:
    # Ctrl-C reaches the whole process group; the parent alone handles it (and stops the pool),
    # so workers print no tracebacks of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if lifeline is not None:
        threading.Thread(target=_die_with_parent, args=(lifeline,), daemon=True).start()
    # The modules a worker imported live as long as it does: taken out of the collector's
    # view, they are not traversed again by every full collection during the runs.
    gc.collect()
    gc.freeze()


def _die_with_parent(lifeline: Any) -> None:
    """Block on the lifeline; when the sweep's process is gone (EOF), end this worker at once.

    ``os._exit``: the run in progress has no file yet, so nothing is lost, and a rerun does it.
    """
    try:
        while True:
            lifeline.recv_bytes()
    except (EOFError, OSError):
        os._exit(1)


def _terminate(pool: Any, pid: int) -> None:
    # ProcessPoolExecutor has no public way to stop busy workers before Python 3.14.
    process = pool._processes.get(pid)
    if process is not None and process.is_alive():
        process.terminate()


def run_dask(
    tasks: Iterator[RunTask], workers: int, scheduler: str | None
) -> Iterator[tuple[RunTask, RunOutput]]:
    """Run tasks on a Dask cluster: a new LocalCluster, or the one at ``scheduler``."""
    require("distributed", field="--backend")
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, ValueError, TypeError) as exc:
            raise InputError(
                f"cannot reach the scheduler '{scheduler}': {exc}",
                field="--scheduler",
                valid="tcp://host:port",
            ) from None
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        slots = sum(client.nthreads().values()) or workers  # integers
        limit = max(2, slots * IN_FLIGHT_PER_WORKER)
        owner: dict[str, RunTask] = {}
        queue = as_completed()

        def submit(task: RunTask) -> None:
            # pure=False: two runs never share a result, even with equal arguments.
            future = client.submit(execute_run, task, pure=False)
            owner[future.key] = task
            queue.add(future)

        for task in tasks:
            submit(task)
            if len(owner) >= limit:
                break
        for future in queue:
            task = owner.pop(future.key)
            try:
                output = future.result()
            except Exception as exc:  # the worker died or the cluster lost the task
                output = RunOutput(
                    task.run_id, "failed", f"{type(exc).__name__}: {exc}"[:2000], 0.0
                )
            future.release()
            yield task, output
            nxt = next(tasks, None)
            if nxt is not None:
                submit(nxt)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

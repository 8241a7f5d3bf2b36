"""Where the per-page stages (segment → extract) run: in this process, in a pool of local
processes, or on a Dask distributed cluster.

Every executor takes a function and a list of pages and yields the results *in the pages'
order*, so the resolve stage that follows sees the same input whichever ran it, and the build's
output does not depend on the executor. Pages travel in shards (groups of pages) to keep the
per-task overhead of a cluster small beside the work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

SHARD_CHARACTERS = 400_000  # ~a minute of extraction on one core: long enough to hide a task's overhead


class Executor(Protocol):
    def map(self, fn: Callable[[T], R], items: Sequence[T], sizes: Sequence[int] = ()) -> Iterator[R]:
        """``fn`` over ``items``, results in the items' order; ``sizes`` (characters) shape shards."""


class ExecutorError(RuntimeError):
    """The executor could not be started or reached (a bad scheduler address, a worker without kg)."""


def shards(sizes: Sequence[int], budget: int = SHARD_CHARACTERS, at_least: int = 1) -> list[range]:
    """Consecutive index ranges of about ``budget`` characters each, and at least ``at_least`` of
    them when there are that many items (so every worker gets something on a small corpus)."""
    n = len(sizes)
    if n == 0:
        return []
    budget = max(1, min(budget, sum(sizes) // max(1, min(at_least, n)) or 1))
    out, begin, total = [], 0, 0
    for i, size in enumerate(sizes):
        total += size
        if total >= budget:
            out.append(range(begin, i + 1))
            begin, total = i + 1, 0
    if begin < n:
        out.append(range(begin, n))
    return out


def _run_shard(fn: Callable[[T], R], items: list[T]) -> list[R]:
    return [fn(item) for item in items]


class LocalExecutor:
    """This process (``jobs`` = 1) or ``jobs`` processes forked after ``warm`` ran, so each starts
    with the pipeline loaded."""

    def __init__(self, jobs: int = 1, warm: Callable[[], object] | None = None):
        self.jobs = max(1, jobs)
        self.warm = warm

    def map(self, fn, items, sizes=()):
        if self.jobs <= 1 or len(items) < 2:
            for item in items:
                yield fn(item)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if self.warm:
            self.warm()
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context(method)) as pool:
            yield from pool.map(fn, items, chunksize=max(1, len(items) // (self.jobs * 8)))


class DaskExecutor:
    """A Dask distributed cluster: the scheduler at ``address`` (``tcp://host:8786``), or, without
    one, a local cluster of ``jobs`` single-threaded worker processes.

    Workers need the same kg version installed (checked before any work is sent). Pages go to
    the workers as text, so they need no access to the corpus's files. Results come back as they
    finish and are yielded in order; shards are submitted a few per worker at a time, so neither
    the scheduler nor this process holds the whole corpus's results twice.
    """

    def __init__(self, address: str | None = None, jobs: int = 1, shard_characters: int = SHARD_CHARACTERS,
                 timeout: float = 20, worker_wait: float = 60):
        self.address = address
        self.timeout = timeout  # to reach the scheduler
        self.worker_wait = worker_wait  # for a first worker to join it
        self.jobs = max(1, jobs)
        self.shard_characters = shard_characters

    def _client(self):
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:  # an optional extra: say how to get it
            raise ExecutorError("the Dask executor needs the 'distributed' package: "
                                "pip install 'kg[dask]'") from err
        if self.address:
            try:
                return Client(self.address, timeout=self.timeout), None
            except OSError as err:
                raise ExecutorError(f"cannot reach the Dask scheduler at {self.address}: {err}") from err
        cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                               dashboard_address=":0")
        return Client(cluster), cluster

    def _check_workers(self, client) -> int:
        from . import __version__

        def version() -> str:
            import kg

            return kg.__version__

        try:
            client.wait_for_workers(1, timeout=self.worker_wait)
        except TimeoutError as err:
            raise ExecutorError(f"no worker joined the Dask cluster within {self.worker_wait:g} s") from err
        try:
            found = client.run(version)
        except Exception as err:  # a worker that cannot import kg
            raise ExecutorError(f"a Dask worker cannot run kg: {err!r} (install kg {__version__} on every worker)") \
                from err
        wrong = {w: v for w, v in found.items() if v != __version__}
        if wrong:
            raise ExecutorError(f"Dask workers run another kg version than this client's {__version__}: {wrong}")
        return len(found)

    def map(self, fn, items, sizes=()):
        from distributed import as_completed

        if not items:
            return
        client, cluster = self._client()
        try:
            workers = self._check_workers(client)
            groups = shards(list(sizes) or [1] * len(items), self.shard_characters, at_least=2 * workers)
            pending = iter(enumerate(groups))
            done: dict[int, list] = {}
            next_out = 0
            flow = as_completed()
            index_of = {}

            def submit_one() -> bool:
                step = next(pending, None)
                if step is None:
                    return False
                k, group = step
                future = client.submit(_run_shard, fn, [items[i] for i in group], pure=False)
                index_of[future.key] = k
                flow.add(future)
                return True

            for _ in range(3 * workers):
                if not submit_one():
                    break
            for future in flow:
                k = index_of.pop(future.key)
                try:
                    done[k] = future.result()
                except Exception as err:  # pages fail inside process_page; this is the cluster (a lost worker)
                    raise ExecutorError(f"a shard of {len(groups[k])} pages failed on the Dask cluster: {err!r}") \
                        from err
                future.release()
                submit_one()
                while next_out in done:
                    yield from done.pop(next_out)
                    next_out += 1
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def make_executor(kind: str = "local", jobs: int = 1, scheduler: str | None = None,
                  warm: Callable[[], object] | None = None) -> Executor:
    if kind == "local":
        return LocalExecutor(jobs, warm)
    if kind == "dask":
        return DaskExecutor(scheduler, jobs)
    raise ValueError(f"unknown executor {kind!r} (local or dask)")


__all__ = ["Executor", "ExecutorError", "LocalExecutor", "DaskExecutor", "make_executor", "shards"]

"""Executors: a Dask cluster of two worker processes gives the output of one process; shards
cover every page once, in order; an unreachable scheduler is a clear error, not a hang."""

from __future__ import annotations

import sys
import time

import cloudpickle
import pytest
from conftest import SEEDS, assert_same_build
from distributed import LocalCluster

from kg.build import build
from kg.cli import main
from kg.executors import DaskExecutor, ExecutorError, LocalExecutor, shards

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import the tests


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


def test_a_two_worker_cluster_gives_the_output_of_one_process(cluster, one_process, tmp_path):
    code = main(["build", str(SEEDS), "-o", str(tmp_path), "--no-html", "--no-cache", "-q",
                 "--executor", "dask", "--scheduler", cluster.scheduler_address])
    assert code == 0
    assert_same_build(tmp_path, one_process)
    assert len(cluster.scheduler.workers) == 2


def test_small_shards_spread_over_both_workers_and_come_back_in_order(cluster, one_process, tmp_path):
    """Shards of one page each, so the five pages are spread over the two workers and finish out
    of order; the build still sees them in the pages' order."""
    executor = DaskExecutor(cluster.scheduler_address, shard_characters=1)
    build([str(SEEDS)], tmp_path, html=False, executor=executor)
    assert_same_build(tmp_path, one_process)


def _slow_identity(item: tuple[int, float]) -> int:
    time.sleep(item[1])
    return item[0]


def test_results_keep_the_items_order_when_later_shards_finish_first(cluster):
    items = [(i, 0.4 if i < 3 else 0.0) for i in range(12)]  # the first shards are the slow ones
    out = list(DaskExecutor(cluster.scheduler_address, shard_characters=1).map(_slow_identity, items))
    assert out == list(range(12))


def _fails_on_three(item: int) -> int:
    if item == 3:
        raise MemoryError("worker out of memory")
    return item


def test_a_shard_lost_on_the_cluster_is_an_executor_error(cluster):
    """Pages that fail are caught inside process_page; what reaches the executor is the cluster
    failing (a worker killed, out of memory): the build stops with an error that says so."""
    with pytest.raises(ExecutorError, match=r"failed on the Dask cluster: MemoryError"):
        list(DaskExecutor(cluster.scheduler_address, shard_characters=1).map(_fails_on_three, list(range(6))))


def test_local_processes_keep_the_order_too():
    items = [(i, 0.2 if i < 2 else 0.0) for i in range(8)]
    assert list(LocalExecutor(2).map(_slow_identity, items)) == list(range(8))


def test_an_unreachable_scheduler_is_an_error_naming_it(tmp_path):
    executor = DaskExecutor("tcp://127.0.0.1:9", timeout=2)
    with pytest.raises(ExecutorError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        build([str(SEEDS)], tmp_path, html=False, executor=executor, cache_dir=None)
    assert not (tmp_path / "graph.nq").exists()


def test_a_scheduler_without_workers_is_an_error_not_a_hang():
    with LocalCluster(n_workers=0, dashboard_address=":0") as empty, \
            pytest.raises(ExecutorError, match="no worker joined the Dask cluster within 2 s"):
        list(DaskExecutor(empty.scheduler_address, worker_wait=2).map(str, [1, 2]))


def test_scheduler_without_the_dask_executor_is_a_usage_error(tmp_path, capsys):
    assert main(["build", str(SEEDS), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "--executor dask" in capsys.readouterr().err


@pytest.mark.parametrize(("sizes", "budget", "at_least"), [
    ([5, 5, 5, 5], 10, 1), ([1] * 7, 3, 1), ([100], 10, 4), ([3, 90, 2, 2, 50], 40, 1), ([1] * 10, 1000, 4), ([], 5, 2),
])
def test_shards_cover_every_item_once_in_order(sizes, budget, at_least):
    groups = shards(sizes, budget, at_least)
    assert [i for g in groups for i in g] == list(range(len(sizes)))
    assert all(len(g) for g in groups)
    assert len(groups) >= min(at_least, len(sizes))
    for g in groups[:-1]:  # every shard but the last reaches the budget; none passes it by more than its last page
        total = sum(sizes[i] for i in g)
        assert total >= min(budget, sum(sizes) // max(1, min(at_least, len(sizes))))
        assert total - sizes[g[-1]] < max(budget, 1)

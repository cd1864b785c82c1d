"""ml.index: the exact and Annoy backends agree, ids survive the round trip, and the store swaps builds
atomically under readers."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from ml.index import IdMap, IndexManifest, IndexStore, build_index, open_index


def _vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, dim))
    v = centres[rng.integers(0, 6, size=n)] + 0.4 * rng.normal(size=(n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def _publish(store: IndexStore, vectors: np.ndarray, ids, *, tag: str) -> IndexManifest:
    directory = store.new_build_dir()
    index = build_index("annoy", zip(ids, vectors, strict=True), directory, vectors.shape[1], n_trees=5)
    manifest = IndexManifest(
        backend="annoy",
        build=directory.name,
        dimensions=vectors.shape[1],
        items=len(index),
        built_at="2026-01-01T00:00:00+00:00",
        build_seconds=0.0,
        disk_bytes=store.disk_bytes(directory.name),
        metadata={"tag": tag},
    )
    store.publish(manifest)
    return manifest


def test_exact_and_annoy_return_the_same_neighbours_with_the_callers_ids(tmp_path):
    vectors = _vectors(400)
    ids = np.arange(1000, 1400) * 7  # sparse ids, not positions
    exact = build_index("exact", zip(ids, vectors, strict=True), tmp_path / "exact", 32)
    annoy = build_index("annoy", zip(ids, vectors, strict=True), tmp_path / "annoy", 32, n_trees=10)
    for q in _vectors(20, seed=1):
        want = exact.search(q, 10)
        got = annoy.search(q, 10, accuracy=len(vectors) * 10)  # search_k >= every node: exact
        assert got.ids.tolist() == want.ids.tolist()
        np.testing.assert_allclose(got.similarities, want.similarities, atol=1e-5)
        assert set(want.ids.tolist()) <= set(ids.tolist())
    reopened = open_index("annoy", tmp_path / "annoy")
    assert len(reopened) == 400
    assert reopened.search(vectors[3], 1).ids.tolist() == [ids[3]]


def test_exact_search_is_exact_and_sorted():
    from ml.index import ExactIndex

    vectors = _vectors(50)
    index = ExactIndex.from_items(enumerate(vectors), 32)
    hits = index.search(vectors[7] * 3.0, 50)  # scale does not matter: cosine
    assert hits.ids[0] == 7
    assert np.all(np.diff(hits.similarities) <= 1e-7)
    brute = np.sort(vectors @ vectors[7])[::-1]
    np.testing.assert_allclose(hits.similarities, brute, atol=1e-5)
    with pytest.raises(ValueError):
        index.search(np.ones(5), 3)


def test_idmap_round_trip_is_memory_mapped(tmp_path):
    idmap = IdMap.from_ids([5, 9, 2])
    idmap.save(tmp_path)
    loaded = IdMap.load(tmp_path)
    assert isinstance(loaded.ids, np.memmap)
    assert loaded.to_ids([2, 0]).tolist() == [2, 5]
    assert loaded.position(9) == 1 and loaded.position(4) is None


def test_store_without_a_build_or_with_missing_files_answers_none(tmp_path):
    store = IndexStore(tmp_path / "store")
    assert store.current() is None
    manifest = _publish(store, _vectors(30), range(30), tag="a")
    assert store.current().manifest.build == manifest.build
    # The build's files vanish (a wiped disk): a process opening it now gives up cleanly, while one that
    # had it mapped keeps answering from its mapping.
    for path in store.build_path(manifest.build).iterdir():
        path.unlink()
    store.publish(manifest)
    assert IndexStore(tmp_path / "store").current() is None
    assert len(store.current().index.search(np.ones(32), 3)) == 3


def test_store_follows_a_new_build_without_reopening_for_every_query(tmp_path):
    store = IndexStore(tmp_path / "store")
    first = _publish(store, _vectors(30), range(30), tag="first")
    loaded = store.current()
    assert store.current() is loaded  # one stat, same object
    second = _publish(store, _vectors(40, seed=2), range(100, 140), tag="second")
    assert second.build != first.build
    now = store.current()
    assert now.manifest.metadata["tag"] == "second" and len(now.index) == 40
    # Another process (another store object on the same folder) sees the same build.
    assert IndexStore(tmp_path / "store").current().manifest.build == second.build


def test_the_swap_loses_no_query(tmp_path):
    """A reader queries continuously while builds are replaced under it: every query gets an index and
    a full answer from one build or the other, never an error or a half-written file."""
    store = IndexStore(tmp_path / "store", keep_builds=2)
    catalogues = [(_vectors(300, seed=s), np.arange(300) + 10_000 * s) for s in range(2)]
    _publish(store, *catalogues[0], tag="0")
    failures: list[str] = []
    answered = {"0": 0, "1": 0}
    stop = threading.Event()
    query = _vectors(1, seed=9)[0]

    def reader() -> None:
        while not stop.is_set():
            try:
                loaded = store.current()
                if loaded is None:
                    failures.append("no index")
                    continue
                hits = loaded.index.search(query, 10)
                tag = loaded.manifest.metadata["tag"]
                if len(hits) != 10 or not set(hits.ids.tolist()) <= set(catalogues[int(tag)][1].tolist()):
                    failures.append(f"bad answer from build {tag}")
                answered[tag] += 1
            except Exception as exc:  # noqa: BLE001 - the test records any failure
                failures.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for swap in range(6):
        time.sleep(0.05)
        _publish(store, *catalogues[(swap + 1) % 2], tag=str((swap + 1) % 2))
    time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == []
    assert answered["0"] > 0 and answered["1"] > 0


def test_prune_keeps_the_current_and_one_spare_build(tmp_path):
    store = IndexStore(tmp_path / "store", keep_builds=2)
    builds = [_publish(store, _vectors(20), range(20), tag=str(i)).build for i in range(4)]
    removed = store.prune(keep=builds[-1], grace_s=0)
    left = sorted(p.name for p in (tmp_path / "store" / "builds").iterdir())
    assert left == sorted(builds[-2:])
    assert set(removed) == set(builds[:2])

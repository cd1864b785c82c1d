"""P x K batches: every batch has P groups with K clips each, reproducibly."""

from collections import Counter

import pytest

from ml.training.sampler import GroupBatchSampler

GROUPS = [0] * 10 + [1] * 6 + [2] * 3 + [3] * 1 + [4] * 8


def test_every_batch_has_p_groups_of_k_clips():
    sampler = GroupBatchSampler(GROUPS, p=3, k=4, seed=0)
    batches = list(sampler)
    assert len(batches) == len(sampler) == -(-len(GROUPS) // 12)
    for batch in batches:
        counts = Counter(GROUPS[index] for index, _ in batch)
        assert len(counts) == 3 and set(counts.values()) == {4}


def test_groups_larger_than_k_are_sampled_without_replacement():
    for batch in GroupBatchSampler(GROUPS, p=5, k=4, seed=1, batches_per_epoch=20):
        big = [index for index, _ in batch if GROUPS[index] == 0]
        assert len(big) == len(set(big)) == 4


def test_seeded_and_different_per_epoch():
    first = list(GroupBatchSampler(GROUPS, p=2, k=2, seed=7))
    again = list(GroupBatchSampler(GROUPS, p=2, k=2, seed=7))
    other = GroupBatchSampler(GROUPS, p=2, k=2, seed=7)
    other.set_epoch(1)
    assert first == again
    assert list(other) != first


def test_fewer_groups_than_p_uses_every_group():
    groups = [0, 0, 1, 1]
    batch = next(iter(GroupBatchSampler(groups, p=8, k=2)))
    assert Counter(groups[index] for index, _ in batch) == {0: 2, 1: 2}


@pytest.mark.parametrize(("groups", "p", "k"), [([0, 0, 0], 2, 2), ([0, 1], 1, 2), ([0, 1], 2, 1)])
def test_configurations_without_triplets_are_refused(groups, p, k):
    with pytest.raises(ValueError):
        GroupBatchSampler(groups, p=p, k=k)


def test_weights_put_a_heavy_group_in_more_batches():
    def share_of_batches_with(group: int, weights=None) -> float:
        sampler = GroupBatchSampler(GROUPS, p=2, k=2, seed=3, batches_per_epoch=400, weights=weights)
        return sum(any(GROUPS[i] == group for i, _ in batch) for batch in sampler) / len(sampler)

    plain, tilted = share_of_batches_with(3), share_of_batches_with(3, {3: 6.0})
    assert 0.3 < plain < 0.5  # 2 of 5 groups
    assert tilted > 0.75  # 0.87 expected: 6/10 first, else 6/9
    for batch in GroupBatchSampler(GROUPS, p=3, k=4, seed=0, batches_per_epoch=50, weights={3: 6.0}):
        counts = Counter(GROUPS[index] for index, _ in batch)
        assert len(counts) == 3 and set(counts.values()) == {4}


def test_uniform_weights_draw_exactly_as_no_weights():
    plain = list(GroupBatchSampler(GROUPS, p=3, k=2, seed=5))
    assert list(GroupBatchSampler(GROUPS, p=3, k=2, seed=5, weights={g: 2.0 for g in range(5)})) == plain
    with pytest.raises(ValueError):
        GroupBatchSampler(GROUPS, p=3, k=2, weights={0: 0.0})


def test_group_weights_follow_the_sources_of_each_group():
    from types import SimpleNamespace

    from ml.training.trainer import group_weights

    sources = ["rendered", "rendered", "speech", "mix", "soundtrack"]
    entries = [SimpleNamespace(source=s) for s in sources]
    weights = group_weights(entries, [0, 0, 1, 1, 2], {"speech": 3, "soundtrack": 2})
    assert weights == {0: 1.0, 1: 3.0, 2: 2.0}

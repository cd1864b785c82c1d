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

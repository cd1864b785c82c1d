"""Evaluation functions on hand-made inputs with known answers (and sklearn as a cross-check)."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from ml.evaluation import (
    annoy_neighbours,
    binary_metrics,
    exact_neighbours,
    family_auc,
    family_scores,
    map_at_k,
    multilabel_auc,
    pearson_r,
    precision_at_k,
    recall_at_k,
    triplet_accuracy,
    va_metrics,
)
from ml.evaluation.baseline import mfcc_baseline


def test_perfect_and_inverted_rankings_give_auc_one_and_zero():
    truth = np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    scores = np.array([[0.9, 0.9], [0.8, 0.8], [0.1, 0.1], [0.2, 0.2]])
    result = multilabel_auc(truth, scores, ["a", "b"])
    assert result["per_label"]["a"]["roc_auc"] == 1.0
    assert result["per_label"]["b"]["roc_auc"] == 0.0
    assert result["roc_auc_macro"] == 0.5
    assert result["per_label"]["a"]["pr_auc"] == 1.0
    assert result["per_label"]["a"]["positives"] == 2


def test_auc_matches_sklearn_on_random_data():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, size=(200, 5))
    scores = truth * 0.5 + rng.random((200, 5))
    result = multilabel_auc(truth, scores, list("abcde"))
    assert result["roc_auc_macro"] == pytest.approx(roc_auc_score(truth, scores, average="macro"))
    assert result["pr_auc_macro"] == pytest.approx(average_precision_score(truth, scores, average="macro"))


def test_single_class_labels_are_skipped_and_named_not_averaged_in():
    truth = np.array([[1, 0, 1], [0, 0, 1], [1, 0, 1]])
    scores = np.array([[0.9, 0.5, 0.5], [0.1, 0.5, 0.5], [0.8, 0.5, 0.5]])
    result = multilabel_auc(truth, scores, ["x", "never", "always"])
    assert result["skipped"] == ["never", "always"]
    assert result["roc_auc_macro"] == 1.0 and set(result["per_label"]) == {"x"}


def test_unknown_rows_are_left_out():
    truth = np.array([[1], [0], [1]])
    scores = np.array([[0.9], [0.1], [0.0]])  # the last row would break the perfect ranking
    result = multilabel_auc(truth, scores, ["x"], known=np.array([True, True, False]))
    assert result["roc_auc_macro"] == 1.0 and result["n_clips"] == 2


def test_nothing_scoreable_gives_none_not_a_number():
    result = multilabel_auc(np.ones((3, 1)), np.random.default_rng(0).random((3, 1)), ["x"])
    assert result["roc_auc_macro"] is None and result["pr_auc_macro"] is None


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError):
        multilabel_auc(np.zeros((3, 2)), np.zeros((3, 3)), ["a", "b"])


def test_family_score_is_the_max_of_its_children_and_truth_is_any_child():
    moods = ["happy", "cheerful", "sad", "calm"]  # joyful x2, sad, calm
    truth = np.array([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    scores = np.array([[0.2, 0.7, 0.1, 0.0], [0.9, 0.1, 0.3, 0.2], [0.1, 0.3, 0.2, 0.6]])
    family_truth, lifted, names = family_scores(truth, scores, moods)
    assert names == ["joyful", "sad", "calm"]  # taxonomy order
    np.testing.assert_array_equal(family_truth, [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    np.testing.assert_allclose(lifted, [[0.7, 0.1, 0.0], [0.9, 0.3, 0.2], [0.3, 0.2, 0.6]])
    result = family_auc(truth, scores, moods)
    assert result["per_label"]["joyful"]["roc_auc"] == 0.5  # 0.7 positive vs 0.9 and 0.3 negatives
    assert result["per_label"]["calm"]["roc_auc"] == 1.0


def test_binary_metrics_accuracy_and_auc():
    result = binary_metrics(np.array([0, 0, 1, 1]), np.array([0.1, 0.6, 0.7, 0.9]))
    assert result == {"accuracy": 0.75, "roc_auc": 1.0, "n_clips": 4}
    one_class = binary_metrics(np.array([0, 0]), np.array([0.2, 0.3]))
    assert one_class["accuracy"] == 1.0 and one_class["roc_auc"] is None
    assert binary_metrics(np.array([1]), np.array([0.9]), np.array([False]))["accuracy"] is None


def test_va_metrics_mae_and_correlation():
    predictions = np.array([[0.0, 0.5], [0.5, 0.0], [1.0, -0.5], [9.0, 9.0]])
    targets = np.array([[0.1, 0.5], [0.5, 0.1], [0.9, -0.5], [0.0, 0.0]])
    result = va_metrics(predictions, targets, known=np.array([1, 1, 1, 0]))
    assert result["valence_mae"] == pytest.approx(0.2 / 3)
    assert result["arousal_mae"] == pytest.approx(0.1 / 3)
    assert result["valence_r"] == pytest.approx(np.corrcoef([0, 0.5, 1], [0.1, 0.5, 0.9])[0, 1])
    assert result["n_clips"] == 3


def test_pearson_of_a_constant_is_undefined():
    assert pearson_r(np.ones(4), np.arange(4)) is None
    assert pearson_r(np.arange(4), 2 * np.arange(4) + 1) == pytest.approx(1.0)


# Two tight clusters on the x and y axes, plus one loner whose group has no other member.
VECTORS = np.array([[1.0, 0.0], [0.99, 0.1], [0.98, -0.1], [0.0, 1.0], [0.1, 0.99], [-0.7, -0.7]])
GROUPS = ["a", "a", "a", "b", "b", "c"]


def test_exact_neighbours_exclude_self_and_sort_by_distance():
    neighbours = exact_neighbours(VECTORS, 2)
    assert neighbours[0].tolist() == [1, 2]
    assert neighbours[3].tolist() == [4, 1]
    assert exact_neighbours(VECTORS, 50).shape == (6, 5)


def test_precision_at_k_by_group():
    result = precision_at_k(VECTORS, GROUPS, k=2)
    # a-queries: 2/2 each; b-queries: 1/2 each (one b, then the nearest a); the loner is skipped.
    assert result["precision"] == pytest.approx((3 * 1.0 + 2 * 0.5) / 5)
    assert result["skipped"] == 1 and result["queries"] == 5


def test_map_at_k_against_hand_computed_rankings():
    radians = np.deg2rad([0, 10, 25, 45])
    vectors = np.stack([np.cos(radians), np.sin(radians)], axis=1)
    groups = ["a", "a", "b", "a"]
    # Query 0 deg retrieves 10 (a), 25 (b), 45 (a): AP = (1/1 + 2/3) / 2 relevant that exist.
    # Query 10 deg retrieves 0 (a), 25 (b), 45 (a): the same AP.
    # Query 45 deg retrieves 25 (b), 10 (a), 0 (a): AP = (1/2 + 2/3) / 2. The b query has no relevant.
    expected = ((1 + 2 / 3) / 2 * 2 + (1 / 2 + 2 / 3) / 2) / 3
    result = map_at_k(vectors, groups, k=3)
    assert result["map"] == pytest.approx(expected)
    assert result["queries"] == 3 and result["skipped"] == 1


def test_triplet_accuracy_is_one_for_separated_groups_and_half_for_noise():
    assert triplet_accuracy(VECTORS, GROUPS, n_triplets=500)["accuracy"] == 1.0
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((200, 16))
    accuracy = triplet_accuracy(noise, rng.integers(0, 4, 200), n_triplets=4000)["accuracy"]
    assert 0.45 < accuracy < 0.55
    assert triplet_accuracy(VECTORS[:2], ["a", "b"])["accuracy"] is None


def test_recall_at_k_counts_the_overlap():
    assert recall_at_k(np.array([[1, 2], [0, 2]]), np.array([[2, 1], [0, 1]])) == 0.75
    with pytest.raises(ValueError):
        recall_at_k(np.zeros((2, 2)), np.zeros((2, 3)))


def test_annoy_recall_is_high_on_clustered_data():
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((10, 32))
    vectors = np.repeat(centres, 30, axis=0) + 0.05 * rng.standard_normal((300, 32))
    approximate = annoy_neighbours(vectors, 5, n_trees=20)
    assert (approximate != np.arange(300)[:, None]).all()
    assert recall_at_k(approximate, exact_neighbours(vectors, 5)) > 0.9


def test_mfcc_baseline_tells_harmonic_tones_from_hiss():
    sr = 22050
    rng = np.random.default_rng(0)
    t = np.arange(sr) / sr
    tones = [
        (0.2 * sum(np.sin(2 * np.pi * f * h * t) / h for h in range(1, 6))).astype(np.float32)
        for f in (200, 210, 220, 230)
    ]
    hiss = [0.1 * np.diff(rng.standard_normal(sr + 1)).astype(np.float32) for _ in range(4)]
    result = mfcc_baseline(tones + hiss, ["tone"] * 4 + ["hiss"] * 4, sample_rate=sr, k=3)
    assert result["precision"] == 1.0 and result["queries"] == 8


def test_a_head_with_no_known_rows_reports_none_instead_of_crashing():
    result = multilabel_auc(np.zeros((3, 2)), np.ones((3, 2)), ["a", "b"], known=np.zeros(3, dtype=bool))
    assert result["roc_auc_macro"] is None and result["skipped"] == ["a", "b"] and result["n_clips"] == 0


def test_targets_compare_with_thresholds_and_with_the_baseline_of_the_same_run():
    from ml.evaluation.targets import assess_targets, format_targets

    metrics = {
        "mood_family": {"roc_auc_macro": 0.9},
        "genre": {"roc_auc_macro": 0.8},
        "va": {"valence_r": 0.7, "arousal_r": None},
        "speech_by_source": {"soundtrack": {"accuracy": 1.0}, "speech": {"accuracy": 0.97}},
        "retrieval": {"triplet_accuracy": {"accuracy": 0.9}},
        "retrieval_by_source": {
            "soundtrack": {"precision": {"precision": 0.6}, "mfcc_baseline": {"precision": 0.6}}
        },
    }
    met = {row["target"]: row["met"] for row in assess_targets(metrics)}
    assert met["mood family macro ROC-AUC"] is True and met["valence Pearson r"] is True  # >= threshold
    assert met["genre macro ROC-AUC"] is False and met["speech accuracy, speech clips"] is False
    assert met["arousal Pearson r"] is None  # not measurable is not "met"
    assert met["same-soundtrack P@5 beats mean-MFCC"] is False  # a tie with the baseline does not beat it
    assert "MISSED" in format_targets(assess_targets(metrics))

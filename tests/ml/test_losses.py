"""Loss values on hand-made cases: masks hide unknown labels, triplets separated by the margin cost
nothing, miners pick the triplets their papers describe."""

import math

import pytest
import torch
import torch.nn.functional as F

from ml.training.losses import MultiTaskLoss, masked_bce, masked_regression, triplet_loss

torch.set_num_threads(1)


def unit_circle(*angles_deg: float) -> torch.Tensor:
    radians = torch.tensor(angles_deg, dtype=torch.float64) * math.pi / 180
    return torch.stack([radians.cos(), radians.sin()], dim=1)


def chord(degrees: float) -> float:
    """Euclidean distance between two unit vectors `degrees` apart."""
    return 2 * math.sin(math.radians(degrees) / 2)


def test_bce_of_zero_logits_is_log_two():
    loss = masked_bce(torch.zeros(3, 4), torch.randint(0, 2, (3, 4)).float(), torch.ones(3))
    assert float(loss) == pytest.approx(math.log(2))


def test_masked_clips_contribute_nothing_whatever_their_logits():
    logits = torch.tensor([[2.0, -1.0], [50.0, -50.0]])
    targets = torch.tensor([[1.0, 0.0], [0.0, 1.0]])  # row 2 would be a huge loss if counted
    loss = masked_bce(logits, targets, torch.tensor([1.0, 0.0]))
    expected = F.binary_cross_entropy_with_logits(logits[:1], targets[:1])
    assert float(loss) == pytest.approx(float(expected))


def test_per_label_mask_is_supported():
    logits = torch.tensor([[3.0, 100.0]])
    targets = torch.tensor([[1.0, 0.0]])
    loss = masked_bce(logits, targets, torch.tensor([[1.0, 0.0]]))
    assert float(loss) == pytest.approx(float(F.softplus(torch.tensor(-3.0))))


def test_a_positive_weight_scales_only_the_positive_terms():
    logits = torch.tensor([[0.5, -2.0]])
    targets = torch.tensor([[1.0, 0.0]])
    plain = masked_bce(logits, targets, torch.ones(1))
    weighted = masked_bce(logits, targets, torch.ones(1), pos_weight=4.0)
    positive, negative = float(F.softplus(torch.tensor(-0.5))), float(F.softplus(torch.tensor(-2.0)))
    assert float(plain) == pytest.approx((positive + negative) / 2)
    assert float(weighted) == pytest.approx((4 * positive + negative) / 2)


def test_nothing_known_is_an_exact_differentiable_zero():
    logits = torch.randn(4, 3, requires_grad=True)
    loss = masked_bce(logits, torch.ones(4, 3), torch.zeros(4))
    loss.backward()
    assert float(loss.detach()) == 0.0
    assert torch.equal(logits.grad, torch.zeros(4, 3))


def test_binary_head_uses_the_same_masked_bce():
    loss = masked_bce(torch.tensor([0.0, 9.0]), torch.tensor([1.0, 0.0]), torch.tensor([1.0, 0.0]))
    assert float(loss) == pytest.approx(math.log(2))


@pytest.mark.parametrize(("kind", "expected"), [("smooth_l1", 0.125), ("mse", 0.25)])
def test_va_regression_values_and_mask(kind, expected):
    predictions = torch.tensor([[0.5, 0.5], [1.0, -1.0]])
    targets = torch.tensor([[0.0, 1.0], [-1.0, 1.0]])
    loss = masked_regression(predictions, targets, torch.tensor([1.0, 0.0]), kind=kind)
    assert float(loss) == pytest.approx(expected)


def test_unknown_regression_kind_is_rejected():
    with pytest.raises(ValueError, match="smooth_l1"):
        masked_regression(torch.zeros(1, 2), torch.zeros(1, 2), torch.ones(1), kind="huber2")


@pytest.mark.parametrize("mining", ["batch_hard", "semi_hard"])
def test_triplet_loss_is_zero_when_groups_are_separated_by_more_than_the_margin(mining):
    embeddings = unit_circle(0, 10, 180, 190)  # within-group chord 0.17, across-group chord >= 1.99
    loss, stats = triplet_loss(embeddings, torch.tensor([0, 0, 1, 1]), margin=0.5, mining=mining)
    assert float(loss) == 0.0
    assert stats.anchors == 4 and stats.active == 0


def test_batch_hard_uses_farthest_positive_and_nearest_negative():
    # Group 0 at 0, 60 and 120 degrees; group 1 at 90 degrees, close to the group-0 points.
    embeddings = unit_circle(0, 60, 120, 90)
    groups = torch.tensor([0, 0, 0, 1])
    loss, stats = triplet_loss(embeddings, groups, margin=0.2, mining="batch_hard")
    # Anchors of group 0: (hardest positive, nearest negative) in degrees.
    per_anchor = [chord(120) - chord(90), chord(60) - chord(30), chord(120) - chord(30)]
    expected = sum(max(0.0, d + 0.2) for d in per_anchor) / 3  # the group-1 point has no positive
    assert float(loss) == pytest.approx(expected, rel=1e-6)
    assert stats.anchors == 3


def test_semi_hard_picks_the_nearest_negative_farther_than_the_positive():
    # Anchor 0 deg, positive 20 deg; negatives at 30 deg (semi-hard) and 10 deg (hard, closer than positive).
    embeddings = unit_circle(0, 20, 30, 10)
    groups = torch.tensor([0, 0, 1, 1])
    margin = 0.3
    loss, _ = triplet_loss(embeddings, groups, margin=margin, mining="semi_hard")
    # Pairs (a, p): (0->20): semi-hard negative at 30 deg from 0 -> chord(30).
    #               (20->0): negatives 10 deg (chord 10) and 30 deg (chord 10): none farther than
    #               chord(20), so the farthest negative (chord 10) is used.
    #               (30->10) and (10->30), group 1: positive chord(20); negatives from 30: 20 deg
    #               (chord 10), 0 deg (chord 30) -> chord(30); from 10: 0 deg (chord 10), 20 deg
    #               (chord 10) -> none farther, farthest chord(10).
    per_pair = [
        chord(20) - chord(30),
        chord(20) - chord(10),
        chord(20) - chord(30),
        chord(20) - chord(10),
    ]
    expected = sum(max(0.0, d + margin) for d in per_pair) / 4
    assert float(loss) == pytest.approx(expected, rel=1e-6)


def test_batch_without_positives_gives_zero_and_no_anchors():
    embeddings = unit_circle(0, 5, 10).requires_grad_()
    loss, stats = triplet_loss(embeddings, torch.tensor([0, 1, 2]))
    loss.backward()
    assert float(loss.detach()) == 0.0 and stats.anchors == 0


@pytest.mark.parametrize("mining", ["batch_hard", "semi_hard"])
def test_minimising_the_triplet_loss_separates_the_groups(mining):
    torch.manual_seed(0)
    raw = torch.randn(16, 8, requires_grad=True)
    groups = torch.arange(4).repeat_interleave(4)
    optimizer = torch.optim.Adam([raw], lr=0.05)
    initial, _ = triplet_loss(F.normalize(raw, dim=1), groups, margin=0.2, mining=mining)
    for _ in range(150):
        loss, _ = triplet_loss(F.normalize(raw, dim=1), groups, margin=0.2, mining=mining)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    final, stats = triplet_loss(F.normalize(raw, dim=1), groups, margin=0.2, mining=mining)
    assert float(initial.detach()) > 0.1
    assert float(final.detach()) == 0.0 and stats.active == 0


def test_unknown_miner_is_rejected():
    with pytest.raises(KeyError, match="batch_hard"):
        triplet_loss(unit_circle(0, 1), torch.tensor([0, 0]), mining="random")


def batch():
    return {
        "mood": torch.tensor([[1.0, 0.0], [0.0, 1.0]]),
        "mood_known": torch.tensor([1.0, 1.0]),
        "genre": torch.tensor([[1.0], [0.0]]),
        "genre_known": torch.tensor([0.0, 0.0]),
        "speech": torch.tensor([0.0, 1.0]),
        "speech_known": torch.tensor([1.0, 1.0]),
        "va": torch.tensor([[0.2, 0.3], [0.0, 0.0]]),
        "va_known": torch.tensor([1.0, 0.0]),
        "group": torch.tensor([0, 1]),
    }


def outputs():
    return {
        "mood": torch.zeros(2, 2),
        "genre": torch.zeros(2, 1),
        "speech": torch.zeros(2),
        "va": torch.zeros(2, 2),
        "embedding": unit_circle(0, 90).float(),
    }


def test_multitask_loss_is_the_weighted_sum_of_its_parts():
    criterion = MultiTaskLoss({"mood": 2.0, "genre": 1.0, "speech": 0.5, "va": 1.0, "triplet": 0.0})
    total, parts = criterion(outputs(), batch())
    assert set(parts) == {"mood", "genre", "speech", "va"}  # weight 0: not computed at all
    assert parts["mood"] == pytest.approx(2 * math.log(2))
    assert parts["genre"] == 0.0  # no known genre
    assert parts["speech"] == pytest.approx(0.5 * math.log(2))
    assert parts["va"] == pytest.approx((0.5 * 0.2**2 + 0.5 * 0.3**2) / 2)
    assert float(total) == pytest.approx(sum(parts.values()))


def test_multitask_loss_rejects_unknown_heads():
    with pytest.raises(ValueError, match="tempo"):
        MultiTaskLoss({"tempo": 1.0})


def test_the_mode_head_is_a_masked_bce_that_ignores_clips_without_a_composed_scale():
    criterion = MultiTaskLoss({"mode": 1.0})
    known = {**batch(), "mode": torch.tensor([1.0, 0.0]), "mode_known": torch.tensor([1.0, 0.0])}
    total, parts = criterion({**outputs(), "mode": torch.tensor([0.0, 50.0])}, known)
    assert parts == {"mode": pytest.approx(math.log(2))}  # the unknown clip's confident logit costs nothing

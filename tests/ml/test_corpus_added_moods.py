"""The seven level-2 moods added for moodmix-v2.2: their own pieces, and earlier pieces left untouched."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from ml import taxonomy
from ml.corpus.cues import ADDED_MOODS, CORE_MOODS, expressible_moods, moods_expressed, sample_cues
from ml.corpus.heldout import _kept
from ml.corpus.rendered import in_rendered_prefix, plan_rendered


def test_every_level_2_mood_of_the_taxonomy_can_now_be_rendered():
    assert set(expressible_moods()) == {m.name for m in taxonomy.moods()}
    added = {"heroic", "rebellious", "fierce", "lonely", "sentimental", "relaxed", "spiritual"}
    assert set(ADDED_MOODS) == added


def test_core_pieces_are_the_pieces_earlier_models_saw():
    # Piece i of the 33-mood round robin keeps its mood, genre, split and random stream.
    plans = {p.piece: p for p in plan_rendered(800, seed=0)}
    assert [plans[f"rendered-{i:04d}"].mood for i in range(66)] == list(CORE_MOODS) * 2
    assert plans["rendered-0799"].index == 799 and plans["rendered-0034"].split == "train"


def test_added_moods_get_as_many_pieces_as_each_core_mood_in_every_split():
    plans = [p for p in plan_rendered(800, seed=0) if p.piece.startswith("rendered-added-")]
    per_mood = Counter(p.mood for p in plans)
    assert per_mood == {mood: 800 // 33 for mood in ADDED_MOODS}
    for mood in ADDED_MOODS:
        assert {p.split for p in plans if p.mood == mood} == {"train", "val", "test"}
    # Their seeds never collide with a core piece's.
    assert min(p.index for p in plans) > 10_000


def test_plans_are_prefix_stable_in_both_blocks():
    small, large = plan_rendered(800, seed=0), {p.piece: p for p in plan_rendered(1452, seed=0)}
    assert all(large[p.piece] == p for p in small)
    assert all(in_rendered_prefix(p.piece, 800) for p in small)
    assert sum(in_rendered_prefix(piece, 800) for piece in large) == len(small)


def test_added_mood_pieces_express_their_mood():
    rng = np.random.default_rng(0)
    for mood in ADDED_MOODS:
        assert all(mood in moods_expressed(sample_cues(mood, rng)) for _ in range(20))


def _line(piece: str, target: str, moods: list[str], source: str = "rendered") -> str:
    record = {"source": source, "piece": piece, "moods": moods, "meta": {"target_mood": target}}
    return json.dumps(record) + "\n"


def test_the_33_mood_manifest_drops_added_pieces_and_added_labels():
    core = _line("rendered-0007", "romantic", ["romantic", "sentimental"])
    added = _line("rendered-added-0000", "heroic", ["heroic"])
    kept = _kept(core, None, added_moods=False)
    assert json.loads(kept)["moods"] == ["romantic"]
    assert _kept(added, None, added_moods=False) == ""
    assert _kept(added, 800, added_moods=True) == added and _kept(core, 800, added_moods=True) == core
    assert _kept(_line("rendered-0900", "happy", ["happy"]), 800, added_moods=True) == ""

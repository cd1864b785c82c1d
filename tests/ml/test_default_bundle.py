"""The bundle Moodmix ships (ml/bundles/moodmix-v1) loads offline and hears what it was trained to hear.

These tests read the committed files, not a bundle trained in the test: they fail when the shipped
weights are missing, do not match their card, or have stopped telling speech from music and styles apart
on audio they have never seen (pieces composed here with another seed than the corpus, a voice the
corpus kept out of training).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from ml.corpus.render import fluidsynth_available
from ml.corpus.rendered import build_rendered, plan_rendered
from ml.corpus.speech import espeak_available, synthesize
from ml.evaluation.tagging import multilabel_auc
from ml.inference import ModelBundle

SHIPPED = Path(__file__).resolve().parents[2] / "ml" / "bundles" / "moodmix-v1"


@pytest.fixture(scope="module")
def bundle() -> ModelBundle:
    return ModelBundle.load(SHIPPED, device="cpu")


def test_the_shipped_bundle_is_small_and_loads_in_eval_mode_on_the_cpu(bundle):
    size_mb = sum(p.stat().st_size for p in SHIPPED.iterdir()) / 1e6
    assert size_mb < 10
    assert bundle.version == "moodmix-v1"
    assert not bundle.model.training
    assert str(bundle.device) == "cpu"


def test_its_card_records_data_licences_labels_and_test_metrics(bundle):
    card = bundle.card()
    assert card["parameters"] == sum(p.numel() for p in bundle.model.parameters())
    assert len(card["labels"]["moods"]) >= 30 and len(card["labels"]["genres"]) == 10
    assert card["audio_contract"]["sample_rate"] == 22050
    test = card["metrics"]["test"]
    for figure in (
        test["mood_family"]["roc_auc_macro"],
        test["genre"]["roc_auc_macro"],
        test["speech"]["accuracy"],
        test["retrieval"]["triplet_accuracy"]["accuracy"],
        test["retrieval_by_source"]["soundtrack"]["precision"]["precision"],
        test["retrieval_by_source"]["soundtrack"]["mfcc_baseline"]["precision"],
    ):
        assert 0.0 <= figure <= 1.0
    assert set(card["data"]["sources"]) == {"rendered", "soundtrack", "speech", "mix"}
    licences = " ".join(card["data"]["licences"])
    assert "hedgewars-data" in licences and "asterisk-core-sounds-en-wav" in licences


@pytest.mark.skipif(
    not fluidsynth_available(), reason="needs `apt-get install fluidsynth fluid-soundfont-gm`"
)
def test_it_ranks_the_style_of_unseen_rendered_pieces_far_above_chance(bundle, tmp_path):
    plans = plan_rendered(40, seed=20261201)[:40:4]  # 10 core pieces, new random cues, keys and motifs
    truths, scores = [], []
    for plan in plans:
        record = build_rendered(plan, tmp_path, (8.0, 9.0))
        prediction = bundle.predict(tmp_path / record.path)
        truths.append([g in record.genres for g in bundle.genre_labels])
        scores.append([prediction.genres[g] for g in bundle.genre_labels])
        assert prediction.speech < 0.5, f"{record.piece} ({plan.genre}) heard as speech"
    auc = multilabel_auc(np.array(truths, dtype=float), np.array(scores), bundle.genre_labels)
    assert auc["roc_auc_macro"] > 0.75


@pytest.mark.skipif(not espeak_available(), reason="needs `apt-get install espeak-ng`")
def test_it_hears_a_held_out_voice_as_speech(bundle, tmp_path):
    text = (
        "Good evening. Here is the news at nine. Heavy rain is expected across the north tonight, "
        "and the morning trains will run to a reduced timetable."
    )
    wave = synthesize(text, "en+f4", speed=160, pitch=50)
    path = tmp_path / "news.wav"
    sf.write(path, wave, 22050)
    assert bundle.predict(path).speech > 0.5

"""Model bundles: the folder format, the model card, loading onto a device, and per-track prediction."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
import torch

from ml import taxonomy
from ml.audio import AudioContract, AudioError
from ml.inference import CARD_FORMAT, ModelBundle, TrackPrediction, default_bundle_dir, select_device
from ml.models import build_model

torch.set_num_threads(1)
SR = 22050
MOODS = [m.name for m in taxonomy.moods()]
GENRES = list(taxonomy.genres())
SMALL = {"timbre_channels": 8, "rhythm_channels": 4, "mid_channels": 32, "feature_dim": 64}


def music(seconds: float, seed: int = 0) -> np.ndarray:
    """A chord with a pulse and a little noise: enough structure for varied window outputs."""
    t = np.arange(round(seconds * SR)) / SR
    rng = np.random.default_rng(seed)
    chord = sum(0.15 * np.sin(2 * np.pi * f * t) for f in rng.uniform(110, 880, size=3))
    pulse = 0.5 + 0.5 * np.cos(2 * np.pi * 2.0 * t) ** 8
    return (chord * pulse + 0.01 * rng.standard_normal(t.size)).astype(np.float32)


def make_bundle(**extra) -> ModelBundle:
    torch.manual_seed(0)
    model = build_model("tf_cnn", n_moods=len(MOODS), n_genres=len(GENRES), embedding_dim=32, **SMALL)
    # Non-default BatchNorm statistics: a round trip that dropped buffers would change the outputs.
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.running_mean.uniform_(-1, 1)
            module.running_var.uniform_(0.5, 2)
    return ModelBundle(
        version="moodmix-test-v1",
        architecture="tf_cnn",
        arch_params={"embedding_dim": 32, **SMALL},
        contract=AudioContract(),
        mood_labels=MOODS,
        genre_labels=GENRES,
        metrics={"val": {"mood_auc": np.float32(0.75), "per_label": np.array([0.5, 0.75])}},
        model=model.eval(),
        **extra,
    )


@pytest.fixture(scope="module")
def bundle() -> ModelBundle:
    return make_bundle(card_extra={"training": {"epochs": 3}})


def test_save_then_load_gives_identical_outputs(bundle, tmp_path):
    wave = music(8.0)
    bundle.save(tmp_path / "b")
    loaded = ModelBundle.load(tmp_path / "b", device="cpu")
    before, after = bundle.predict(wave), loaded.predict(wave)
    np.testing.assert_array_equal(before.embedding, after.embedding)
    assert before.moods == after.moods and before.genres == after.genres and before.speech == after.speech
    assert (loaded.version, loaded.created, loaded.card_extra) == (
        bundle.version,
        bundle.created,
        bundle.card_extra,
    )
    assert not loaded.model.training


def test_the_card_is_a_readable_json_model_card(bundle, tmp_path):
    bundle.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.json", "weights.pt"]
    card = json.loads((tmp_path / "card.json").read_text())
    assert card["format"] == CARD_FORMAT and card["version"] == "moodmix-test-v1"
    assert card["architecture"] == "tf_cnn" and card["arch_params"]["mid_channels"] == 32
    assert card["parameters"] == sum(p.numel() for p in bundle.model.parameters())
    assert card["audio_contract"] == AudioContract().to_dict()
    assert card["labels"]["moods"] == MOODS and card["labels"]["genres"] == GENRES
    assert card["labels"]["mood_families"]["calm"] == taxonomy.family_of("calm")
    assert card["metrics"] == {"val": {"mood_auc": 0.75, "per_label": [0.5, 0.75]}}
    assert card["training"] == {"epochs": 3}
    assert card["created"].endswith("+00:00")


def test_weights_hold_no_front_end_buffers(bundle, tmp_path):
    bundle.save(tmp_path)
    state = torch.load(tmp_path / "weights.pt", weights_only=True)
    assert not any("mel" in key or "window" in key for key in state)


def test_card_extra_may_not_overwrite_the_bundle_keys():
    with pytest.raises(ValueError, match="labels"):
        make_bundle(card_extra={"labels": []})


def test_labels_must_match_the_heads():
    model = build_model("tf_cnn", n_moods=3, n_genres=len(GENRES), **SMALL)
    with pytest.raises(ValueError, match="predicts 3 moods"):
        ModelBundle("v", "tf_cnn", SMALL, AudioContract(), MOODS, GENRES, {}, model)


def test_loading_a_folder_without_a_bundle_or_with_a_foreign_card_fails_clearly(bundle, tmp_path):
    with pytest.raises(FileNotFoundError, match="no model bundle"):
        ModelBundle.load(tmp_path)
    bundle.save(tmp_path)
    card = json.loads((tmp_path / "card.json").read_text())
    (tmp_path / "card.json").write_text(json.dumps({**card, "format": "other/9"}))
    with pytest.raises(ValueError, match="other/9"):
        ModelBundle.load(tmp_path)


def test_device_choice_argument_then_environment_then_hardware(monkeypatch):
    monkeypatch.setenv("MOODMIX_DEVICE", "cpu")
    assert select_device() == torch.device("cpu")
    assert select_device("meta") == torch.device("meta")
    monkeypatch.delenv("MOODMIX_DEVICE")
    assert select_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error on machines without CUDA")
def test_asking_for_cuda_without_it_is_an_error():
    with pytest.raises(ValueError, match="no CUDA"):
        select_device("cuda")


def test_default_bundle_dir_is_in_the_package_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("MOODMIX_BUNDLE_DIR", raising=False)
    assert default_bundle_dir().parts[-3:] == ("ml", "bundles", "moodmix-v2.5")  # the newest shipped
    monkeypatch.setenv("MOODMIX_BUNDLE_DIR", str(tmp_path))
    assert default_bundle_dir() == tmp_path


def test_a_file_and_its_waveform_give_the_same_prediction(bundle, tmp_path):
    wave = music(6.0)
    sf.write(tmp_path / "song.wav", wave, SR, subtype="FLOAT")
    from_file, from_wave = bundle.predict(tmp_path / "song.wav"), bundle.predict(wave)
    np.testing.assert_allclose(from_file.embedding, from_wave.embedding, atol=1e-6)
    assert from_file.duration == pytest.approx(6.0)


def test_prediction_fields_and_ranges(bundle):
    prediction = bundle.predict(music(10.0))
    assert list(prediction.moods) == MOODS and list(prediction.genres) == GENRES
    assert all(
        0 < p < 1 for p in (*prediction.moods.values(), *prediction.genres.values(), prediction.speech)
    )
    assert -1 <= prediction.valence <= 1 and -1 <= prediction.arousal <= 1
    assert prediction.embedding.shape == (32,) and prediction.embedding.dtype == np.float32
    assert np.linalg.norm(prediction.embedding) == pytest.approx(1.0, abs=1e-5)
    assert prediction.model_version == "moodmix-test-v1"


def test_families_are_the_max_of_their_moods(bundle):
    prediction = bundle.predict(music(5.0))
    for family in taxonomy.families():
        assert prediction.families[family.name] == max(prediction.moods[m.name] for m in family.moods)


def test_track_moods_are_the_mean_of_the_window_timeline(bundle):
    prediction = bundle.predict(music(12.0))
    for mood in ("calm", "tense"):
        timeline = [window_moods[mood] for _, _, window_moods in prediction.windows]
        assert prediction.moods[mood] == pytest.approx(np.mean(timeline), rel=1e-5)


@pytest.mark.parametrize("seconds", [1.2, 3.0, 10.4, 31.0])
def test_the_window_timeline_covers_the_whole_track(bundle, seconds):
    windows = bundle.predict(music(seconds)).windows
    assert windows[0][0] == 0.0 and windows[-1][1] == pytest.approx(seconds, abs=1 / SR)
    assert all(later[0] <= earlier[1] for earlier, later in zip(windows, windows[1:], strict=False))
    assert all(end - start <= 3.0 + 1e-9 for start, end, _ in windows)


def forward_batch_sizes(bundle: ModelBundle, run) -> list[int]:
    calls: list[int] = []
    handle = bundle.model.register_forward_hook(lambda module, args, out: calls.append(args[0].shape[0]))
    try:
        run()
    finally:
        handle.remove()
    return calls


def test_predict_batches_the_windows_of_a_track(bundle):
    wave = music(60.0)  # 39 windows
    assert forward_batch_sizes(bundle, lambda: bundle.predict(wave, batch_size=64)) == [39]
    assert forward_batch_sizes(bundle, lambda: bundle.predict(wave, batch_size=16)) == [16, 16, 7]


def test_by_default_a_gpu_takes_a_track_in_one_pass_and_a_cpu_in_cache_sized_passes(bundle):
    assert bundle.windows_per_pass == 16
    on_meta = make_bundle().to("meta")
    assert on_meta.device.type == "meta" and on_meta.windows_per_pass >= 512


@pytest.mark.parametrize("batch_size", [1, 5, 64])
def test_predict_many_matches_predict_whatever_the_batching(bundle, tmp_path, batch_size):
    sf.write(tmp_path / "b.wav", music(4.0, seed=2), SR, subtype="FLOAT")
    items = [music(7.0, seed=1), tmp_path / "b.wav", music(1.5, seed=3)]
    together = bundle.predict_many(items, batch_size=batch_size)
    alone = [bundle.predict(item) for item in items]
    assert [len(p.windows) for p in together] == [4, 2, 1]
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_allclose(a.embedding, b.embedding, atol=1e-5)
        assert a.moods == pytest.approx(b.moods, abs=1e-5)
        assert a.duration == b.duration


def test_predict_many_of_nothing_is_nothing(bundle):
    assert bundle.predict_many([]) == []


def test_prediction_uses_eval_mode_and_restores_training_mode():
    training = make_bundle()
    training.model.train()
    wave = music(5.0)
    first, second = training.predict(wave), training.predict(wave)
    np.testing.assert_array_equal(first.embedding, second.embedding)  # dropout and batch statistics are off
    assert training.model.training


def test_to_dict_is_json_and_reads_back(bundle):
    prediction = bundle.predict(music(4.0))
    restored = TrackPrediction.from_dict(json.loads(json.dumps(prediction.to_dict())))
    np.testing.assert_array_equal(restored.embedding, prediction.embedding)
    assert restored.windows == prediction.windows
    assert (restored.moods, restored.families, restored.valence) == (
        prediction.moods,
        prediction.families,
        prediction.valence,
    )


@pytest.mark.parametrize(
    ("write", "code"),
    [
        (lambda path: path.write_bytes(b"RIFF not really a wave file" * 10), "undecodable"),
        (lambda path: path.write_bytes(b""), "empty"),
        (lambda path: sf.write(path, np.zeros(3 * SR, np.float32), SR), "silent"),
        (lambda path: sf.write(path, music(0.5), SR), "too_short"),
    ],
)
def test_bad_files_raise_audio_errors(bundle, tmp_path, write, code):
    path = tmp_path / "upload.wav"
    write(path)
    with pytest.raises(AudioError) as info:
        bundle.predict(path)
    assert info.value.code == code


def test_bad_waveforms_raise_audio_errors(bundle):
    with pytest.raises(AudioError, match="silent"):
        bundle.predict(np.zeros(3 * SR, np.float32))
    with pytest.raises(AudioError) as info:
        bundle.predict(music(0.4))
    assert info.value.code == "too_short"


def test_evaluation_reports_retrieval_within_each_source_against_mean_mfccs(bundle, tmp_path):
    """Same-soundtrack retrieval is asked among soundtrack clips only, with the baseline on the same clips."""
    from ml.evaluation import precision_at_k
    from ml.evaluation.bundle import evaluate_bundle
    from ml.training.manifest import ManifestEntry

    entries = []
    for i, (source, group) in enumerate(
        [("soundtrack", "a")] * 3 + [("soundtrack", "b")] * 3 + [("speech", "speech")] * 2
    ):
        path = tmp_path / f"clip{i}.wav"
        sf.write(path, music(4.0, seed=i), SR)
        speech = int(source == "speech")
        entries.append(
            ManifestEntry(path, source, f"p{i}", group, "test", None, None, None, None, speech, "CC0", 4.0)
        )
    metrics = evaluate_bundle(bundle, entries, k=2)
    assert set(metrics["retrieval_by_source"]) == {"soundtrack"}  # speech has one group: nothing to find
    soundtrack = metrics["retrieval_by_source"]["soundtrack"]
    vectors = np.stack([bundle.predict(e.path).embedding for e in entries[:6]])
    expected = precision_at_k(vectors, ["a"] * 3 + ["b"] * 3, k=2)["precision"]
    assert soundtrack["precision"]["precision"] == pytest.approx(expected, abs=1e-6)
    assert soundtrack["precision"]["queries"] == 6 and soundtrack["groups"] == 2
    assert 0.0 <= soundtrack["mfcc_baseline"]["precision"] <= 1.0

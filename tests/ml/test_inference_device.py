"""Threads per worker process, reduced precision on accelerators, and the CUDA path (skipped without
CUDA: run it on a GPU host with `pytest tests/ml/test_inference_device.py`)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ml.features import compute_features
from ml.inference import ModelBundle
from ml.inference.current import bundles_root
from ml.inference.device import autocast_dtype, cpu_has_bfloat16_units
from ml.inference.threads import THREADS_ENV, configure_threads, threads_per_process

SR = 22050
SHIPPED = bundles_root() / "moodmix-v1"
# Reduced precision may move a window-averaged probability by this much, and the pooled embedding's
# cosine to the float32 one must stay above EMBEDDING_COSINE (measured with moodmix-v1 on CPU bfloat16,
# 20 s of generated music: 0.002 and 0.999999).
PROBABILITY_TOLERANCE = 0.02
EMBEDDING_COSINE = 0.999


def music(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * SR)) / SR
    chord = sum(0.15 * np.sin(2 * np.pi * f * t) for f in rng.uniform(110, 880, size=3))
    beat = t % 0.5
    kick = 0.6 * np.exp(-beat * 30) * np.sin(2 * np.pi * 60 * beat)
    return (chord + kick + 0.01 * rng.standard_normal(t.size)).astype(np.float32)


def assert_close_predictions(reduced, full) -> None:
    for field in ("moods", "genres"):
        a, b = getattr(reduced, field), getattr(full, field)
        assert max(abs(a[k] - b[k]) for k in b) < PROBABILITY_TOLERANCE, field
    assert reduced.speech == pytest.approx(full.speech, abs=PROBABILITY_TOLERANCE)
    assert (reduced.valence, reduced.arousal) == pytest.approx(
        (full.valence, full.arousal), abs=PROBABILITY_TOLERANCE
    )
    assert float(np.dot(reduced.embedding, full.embedding)) > EMBEDDING_COSINE


def test_threads_per_process_divides_the_cores_and_never_oversubscribes(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert threads_per_process(1, cores=16) == 16
    assert threads_per_process(4, cores=16) == 4
    assert threads_per_process(3, cores=2) == 1
    monkeypatch.setenv(THREADS_ENV, "2")
    assert threads_per_process(8, cores=2) == 2  # the setting wins, deliberately
    monkeypatch.setenv(THREADS_ENV, "0")
    with pytest.raises(ValueError, match=THREADS_ENV):
        threads_per_process(1)


def test_configure_threads_sets_torch_blas_and_numba():
    import numba
    from threadpoolctl import threadpool_info

    before = torch.get_num_threads()
    try:
        configure_threads(1)
        assert torch.get_num_threads() == 1
        assert numba.get_num_threads() == 1
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
    finally:
        torch.set_num_threads(before)


def test_precision_on_the_cpu_is_bfloat16_only_with_bfloat16_units_and_always_overridable(monkeypatch):
    monkeypatch.delenv("MOODMIX_PRECISION", raising=False)
    expected = torch.bfloat16 if cpu_has_bfloat16_units() else None
    assert autocast_dtype(torch.device("cpu")) is expected
    assert autocast_dtype(torch.device("cpu"), "float32") is None
    assert autocast_dtype(torch.device("cpu"), "bfloat16") is torch.bfloat16
    with pytest.raises(ValueError, match="MOODMIX_PRECISION"):
        autocast_dtype(torch.device("cpu"), "int8")


def test_a_cpu_without_bfloat16_units_gets_float32(monkeypatch):
    monkeypatch.delenv("MOODMIX_PRECISION", raising=False)
    monkeypatch.setattr("ml.inference.device.cpu_has_bfloat16_units", lambda: False)
    assert autocast_dtype(torch.device("cpu")) is None


@pytest.mark.parametrize(
    "name",
    [
        "moodmix-v1",
        "moodmix-v2",
        "moodmix-v2.1",
        "moodmix-v2.2",
        "moodmix-v2.3",
        "moodmix-v2.4",
        "moodmix-v2.5",
    ],
)
def test_bfloat16_forward_stays_within_tolerance_of_float32(monkeypatch, name):
    """The tolerance the CUDA and AMX-CPU default (bfloat16 autocast) is held to, checked where it can
    run: CPU autocast computes in the same bfloat16 format. (On the 36 demo soundtracks, moodmix-v2 in
    bfloat16 moved no probability by more than 0.002 and valence/arousal by 0.0023; embedding cosine to
    float32 >= 0.9999.)"""
    if not (bundles_root() / name).is_dir():
        pytest.skip(f"{name} is not installed")
    bundle = ModelBundle.load(bundles_root() / name, device="cpu")
    wave = music(20.0)
    monkeypatch.setenv("MOODMIX_PRECISION", "float32")
    full = bundle.predict(wave)
    monkeypatch.setenv("MOODMIX_PRECISION", "bfloat16")
    assert bundle.precision is torch.bfloat16
    assert_close_predictions(bundle.predict(wave), full)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.skipif(not SHIPPED.is_dir(), reason="the shipped bundle is not installed")
def test_on_cuda_the_model_front_end_and_features_run_there_with_no_code_change(monkeypatch):
    monkeypatch.delenv("MOODMIX_DEVICE", raising=False)
    monkeypatch.delenv("MOODMIX_PRECISION", raising=False)
    wave = music(40.0)
    cpu = ModelBundle.load(SHIPPED, device="cpu")
    gpu = ModelBundle.load(SHIPPED)  # the default device: CUDA when present
    assert gpu.device.type == "cuda" and gpu.frontend.mel_basis.device.type == "cuda"
    assert gpu.precision in (torch.bfloat16, torch.float16)
    assert_close_predictions(gpu.predict_many([wave, music(7.0, seed=1)])[0], cpu.predict(wave))
    on_gpu, on_cpu = compute_features(wave, SR, device="cuda"), compute_features(wave, SR)
    assert (on_gpu.key, on_gpu.mode) == (on_cpu.key, on_cpu.mode)
    assert on_gpu.tempo_bpm == pytest.approx(on_cpu.tempo_bpm, rel=1e-3)
    assert on_gpu.energy == pytest.approx(on_cpu.energy, abs=0.01)

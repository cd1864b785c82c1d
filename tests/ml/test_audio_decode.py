"""Decoding and probing: files of any supported format become mono float32 at the contract rate, and
bad files fail with the stable AudioError codes the catalogue stores."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import soundfile as sf

from ml.audio import SILENCE_PEAK, AudioError, load_audio, probe


def tone(seconds: float, sr: int, freq: float = 440.0, amp: float = 0.5, channels: int = 1) -> np.ndarray:
    t = np.arange(round(seconds * sr)) / sr
    mono = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return mono if channels == 1 else np.stack([mono] * channels, axis=1)


def dominant_frequency(wave: np.ndarray, sr: int) -> float:
    spectrum = np.abs(np.fft.rfft(wave))
    return float(np.fft.rfftfreq(wave.size, 1 / sr)[spectrum.argmax()])


@pytest.mark.parametrize("suffix", ["wav", "flac", "ogg", "mp3"])
def test_each_supported_format_decodes_to_mono_float32_at_the_requested_rate(tmp_path, suffix):
    path = tmp_path / f"tone.{suffix}"
    sf.write(path, tone(2.0, 22050), 22050)
    wave = load_audio(path)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert abs(wave.size - 2 * 22050) < 0.05 * 22050  # lossy codecs pad a few frames
    assert dominant_frequency(wave, 22050) == pytest.approx(440, abs=2)


def test_stereo_is_averaged_to_mono(tmp_path):
    left_right = np.stack([tone(1.5, 22050, amp=0.6), np.zeros(round(1.5 * 22050), np.float32)], axis=1)
    sf.write(tmp_path / "stereo.wav", left_right, 22050, subtype="FLOAT")
    wave = load_audio(tmp_path / "stereo.wav")
    assert np.abs(wave).max() == pytest.approx(0.3, rel=1e-3)


def test_other_sample_rates_are_resampled_keeping_pitch_and_duration(tmp_path):
    sf.write(tmp_path / "cd.wav", tone(2.0, 44100, freq=1000.0), 44100)
    wave = load_audio(tmp_path / "cd.wav", sample_rate=22050)
    assert wave.size == 2 * 22050
    assert dominant_frequency(wave, 22050) == pytest.approx(1000, abs=2)


def test_offset_and_duration_select_a_span(tmp_path):
    sr = 22050
    ramp = np.linspace(-0.9, 0.9, 4 * sr, dtype=np.float32)
    sf.write(tmp_path / "ramp.wav", ramp, sr, subtype="FLOAT")
    span = load_audio(tmp_path / "ramp.wav", offset=1.0, duration=0.5)
    np.testing.assert_array_equal(span, ramp[sr : sr + sr // 2])


def test_offset_past_the_end_is_empty(tmp_path):
    sf.write(tmp_path / "short.wav", tone(1.0, 22050), 22050)
    with pytest.raises(AudioError) as info:
        load_audio(tmp_path / "short.wav", offset=5.0)
    assert info.value.code == "empty"


def test_probe_reads_the_header(tmp_path):
    sf.write(tmp_path / "stereo.flac", tone(2.5, 44100, channels=2), 44100)
    info = probe(tmp_path / "stereo.flac")
    assert (info.duration, info.sample_rate, info.channels, info.format) == (2.5, 44100, 2, "flac")


def test_corrupt_bytes_are_undecodable(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(b"this is a text file renamed to mp3\n" * 40)
    for read in (load_audio, probe):
        with pytest.raises(AudioError) as info:
            read(path)
        assert info.value.code == "undecodable"
        assert "song.mp3" in str(info.value)


def test_zero_byte_and_zero_frame_files_are_empty(tmp_path):
    (tmp_path / "nothing.wav").write_bytes(b"")
    sf.write(tmp_path / "header_only.wav", np.zeros(0, np.float32), 22050)
    for name in ("nothing.wav", "header_only.wav"):
        for read in (load_audio, probe):
            with pytest.raises(AudioError) as info:
                read(tmp_path / name)
            assert info.value.code == "empty", (name, read.__name__)


def test_digital_silence_is_refused_but_quiet_music_is_not(tmp_path):
    sf.write(tmp_path / "silence.wav", tone(2.0, 22050, amp=SILENCE_PEAK / 2), 22050, subtype="FLOAT")
    sf.write(tmp_path / "quiet.wav", tone(2.0, 22050, amp=SILENCE_PEAK * 5), 22050, subtype="FLOAT")
    with pytest.raises(AudioError) as info:
        load_audio(tmp_path / "silence.wav")
    assert info.value.code == "silent"
    assert load_audio(tmp_path / "quiet.wav").size == 2 * 22050


def test_a_missing_file_is_not_an_audio_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_audio(tmp_path / "absent.wav")


def test_audio_error_codes_are_a_closed_set():
    with pytest.raises(ValueError, match="unknown AudioError code"):
        AudioError("weird", "detail")


def test_audio_errors_keep_their_code_across_processes():
    restored = pickle.loads(pickle.dumps(AudioError("silent", "track.wav is silent")))
    assert (restored.code, str(restored)) == ("silent", "track.wav is silent")

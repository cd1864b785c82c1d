"""Analyse a track: decode its audio once, run the registered analysis steps, persist the results.

The life of one analysis, as the ``catalog.analyze_track`` task drives it:

- :func:`claim` loads the track from ``status in (pending, analyzing)`` and marks it ``analyzing``. A
  duplicate or late message for an analysed or failed track finds nothing and is a no-op. A track still
  ``analyzing`` is claimed again: that is a message redelivered after its worker died (acks_late), and the
  analysis simply starts over, because every step replaces its results rather than adding to them.
  Each claim counts; after :data:`MAX_ANALYSIS_ATTEMPTS` the track fails with ``attempts_exhausted``, so a
  file that kills its worker cannot be redelivered forever.
- :func:`analyze` decodes the file with ``ml.audio`` and runs every registered step outside any
  transaction (the slow part). Each step returns a function that writes its results onto the track.
- :func:`complete` applies those writers and marks the track ``analyzed`` in one transaction, only if the
  track is still ``analyzing`` (a re-queue in the meantime wins).
- :func:`fail` is the one place that writes ``failed`` with a structured error.

Model predictions plug in as one more step, registered with :func:`analysis_step`: their ``compute`` runs
on the decoded wave, their writer stores rows (predictions, embeddings) in the completing transaction.

Speed (issue 13): the file is decoded once, at the current bundle's contract rate, so the model never
resamples; the signal features are computed once per decode (:attr:`DecodedAudio.features`) and shared
by the ``signal`` and ``model`` steps; :func:`run_batch_analysis` analyses several tracks in one pass,
their windows sharing the model's forward passes, each track claimed, failed or completed on its own.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from catalog.bundles import current_bundle
from catalog.choices import TrackErrorCode, TrackStatus
from catalog.models import Track
from catalog.signals import analysis_finished
from ml.audio import AudioContract, AudioError, load_audio
from ml.inference import TrackPrediction

if TYPE_CHECKING:
    from ml.features import AudioFeatures

__all__ = [
    "MAX_ANALYSIS_ATTEMPTS",
    "AnalysisStep",
    "DecodedAudio",
    "ResultWriter",
    "analysis_step",
    "analyze",
    "claim",
    "complete",
    "enqueue_analysis",
    "fail",
    "registered_steps",
    "requeue",
    "run_analysis",
    "run_batch_analysis",
]

logger = logging.getLogger(__name__)

MAX_ANALYSIS_ATTEMPTS = 5
"""Claims allowed since the track was last queued (task retries plus redeliveries after a lost worker)."""

WAVEFORM_POINTS = 600
"""Peaks stored per track: enough for a sharp waveform at page width, small enough to inline in the page."""

_ACTIVE = (TrackStatus.PENDING, TrackStatus.ANALYZING)


@dataclass(frozen=True)
class DecodedAudio:
    """A track's audio decoded once for every step: mono float32 at the model contract's sample rate.

    `device` is where the signal features' spectrum runs (the bundle's device: a GPU worker computes
    it there too). `prediction` is the model's, when a batch analysis already made it for this track.
    """

    track_id: int
    wave: np.ndarray
    sample_rate: int
    device: str = "cpu"
    prediction: TrackPrediction | None = None

    @property
    def duration_s(self) -> float:
        return len(self.wave) / self.sample_rate

    @cached_property
    def features(self) -> AudioFeatures:
        """The signal features (`ml.features.compute_features`, without speechiness), computed on first
        use and shared by every step that needs loudness, peak, tempo, key, energy or danceability."""
        from ml.features import compute_features  # scipy and librosa: loaded where analyses run only

        return compute_features(self.wave, self.sample_rate, device=self.device)


ResultWriter = Callable[[Track], None]
"""Writes one step's results onto the (locked) track inside the completing transaction."""

AnalysisStep = Callable[[DecodedAudio], ResultWriter]
"""Computes from the decoded audio (outside any transaction) and returns the writer of its results."""

_STEPS: dict[str, AnalysisStep] = {}


def analysis_step(name: str) -> Callable[[AnalysisStep], AnalysisStep]:
    """Register ``fn(decoded) -> writer`` as an analysis step; steps run in registration order."""

    def register(fn: AnalysisStep) -> AnalysisStep:
        if name in _STEPS:
            raise ValueError(f"analysis step {name!r} is already registered")
        _STEPS[name] = fn
        return fn

    return register


def registered_steps() -> dict[str, AnalysisStep]:
    """Every analysis step, in order; loads the model step's module (torch) on first use only, so web
    processes and management commands that never analyse do not pay for it."""
    from catalog.services import predictions  # noqa: F401  (registers the "model" step on import)

    return dict(_STEPS)


@analysis_step("signal")
def measure_signal(decoded: DecodedAudio) -> ResultWriter:
    """Duration from the decoded samples, integrated loudness, sample peak and the drawn waveform."""
    duration = decoded.duration_s
    loudness = decoded.features.loudness_lufs
    peak = decoded.features.peak_dbfs
    from ml.features import waveform_peaks

    peaks = waveform_peaks(decoded.wave, WAVEFORM_POINTS)

    def write(track: Track) -> None:
        track.duration_s = duration
        track.loudness_lufs = _finite_or_none(loudness)
        track.peak_dbfs = _finite_or_none(peak)
        track.waveform = peaks

    return write


def run_analysis(track_id: int) -> TrackStatus | None:
    """Claim, analyse and complete one track; the status it ends in, or None when there was nothing to do.

    ``AudioError`` (the file does not decode, is silent, too short...) fails the track with the error's
    code. Other exceptions propagate: the caller decides whether they are transient.
    """
    track = claim(track_id)
    if track is None:
        return None
    try:
        writers = analyze(track)
    except AudioError as exc:
        fail(track_id, exc.code, str(exc))
        return TrackStatus.FAILED
    except FileNotFoundError as exc:
        fail(track_id, TrackErrorCode.MISSING_FILE, f"{track.audio_file.name}: {exc}")
        return TrackStatus.FAILED
    return TrackStatus.ANALYZED if complete(track_id, writers) else None


def claim(track_id: int) -> Track | None:
    """Mark the track ``analyzing`` and count the attempt; None when it is not pending or analysing."""
    with transaction.atomic():
        track = Track.objects.select_for_update().filter(pk=track_id, status__in=_ACTIVE).first()
        if track is None:
            return None
        track.analysis_attempts += 1
        track.status = TrackStatus.ANALYZING
        track.save(update_fields=["status", "analysis_attempts", "updated"])
    if track.analysis_attempts > MAX_ANALYSIS_ATTEMPTS:
        fail(
            track_id,
            TrackErrorCode.ATTEMPTS_EXHAUSTED,
            f"The analysis was started {track.analysis_attempts - 1} times without finishing "
            "(workers stopped or errors repeated).",
        )
        return None
    return track


def analyze(track: Track) -> list[ResultWriter]:
    """Decode the track's file and run every registered step; no database writes happen here."""
    return run_steps(decode(track))


def decode(track: Track) -> DecodedAudio:
    """The track's audio, decoded once at the current bundle's contract rate (so the model never
    resamples it), or the default contract's rate without a bundle."""
    bundle = current_bundle()
    rate = bundle.contract.sample_rate if bundle is not None else AudioContract().sample_rate
    device = bundle.device.type if bundle is not None else "cpu"
    with _local_audio_path(track) as path:
        wave = load_audio(path, sample_rate=rate)
    return DecodedAudio(track_id=track.pk, wave=wave, sample_rate=rate, device=device)


def run_steps(decoded: DecodedAudio) -> list[ResultWriter]:
    """Every registered step on one decoded track, in registration order."""
    return [step(decoded) for step in registered_steps().values()]


_TRANSIENT = (OperationalError, InterfaceError)
"""Database errors a batch does not pin on one track: they propagate, and the task retries the batch."""


def run_batch_analysis(track_ids: Iterable[int]) -> dict[int, TrackStatus | None]:
    """Analyse several tracks in one pass (bulk imports, GPU workers): each track's final status, None
    where there was nothing to do (not pending) or its result was dropped (re-queued meanwhile).

    Every track is claimed and decoded on its own, then the current bundle predicts all decoded tracks
    together (`ModelBundle.predict_many`: windows of consecutive tracks share forward passes), then each
    track's steps run and complete in its own transaction. Failure is per track: a file that does not
    decode fails with its AudioError code, any other error in one track's work fails that track with
    ``internal`` (logged with its traceback); the rest of the batch goes on. Database outages
    (OperationalError, InterfaceError) propagate so the task can retry the batch.
    """
    results: dict[int, TrackStatus | None] = {}
    decoded: list[DecodedAudio] = []
    for track_id in track_ids:
        track = claim(track_id)
        if track is None:
            results[track_id] = None
            continue
        status = _isolated(track, lambda track=track: decoded.append(decode(track)))
        if status is not None:
            results[track_id] = status
    for item in _predicted_together(decoded):
        results[item.track_id] = _isolated(item.track_id, lambda item=item: _finish(item))
    return results


def _finish(decoded: DecodedAudio) -> TrackStatus | None:
    return TrackStatus.ANALYZED if complete(decoded.track_id, run_steps(decoded)) else None


def _isolated(track: Track | int, work: Callable[[], TrackStatus | None]) -> TrackStatus | None:
    """Run one track's share of a batch; turn its failure into that track's ``failed`` status."""
    track_id = track if isinstance(track, int) else track.pk
    try:
        return work()
    except AudioError as exc:
        fail(track_id, exc.code, str(exc))
    except FileNotFoundError as exc:
        fail(track_id, TrackErrorCode.MISSING_FILE, str(exc))
    except _TRANSIENT:
        raise
    except Exception as exc:  # one track's bug or bad data must not fail the batch
        logger.exception("analysis of track %s failed inside a batch", track_id)
        fail(track_id, TrackErrorCode.INTERNAL, f"{type(exc).__name__}: {exc}")
    return TrackStatus.FAILED


def _predicted_together(decoded: list[DecodedAudio]) -> list[DecodedAudio]:
    """The decoded tracks with the bundle's predictions attached, made in shared forward passes. If the
    batch cannot be predicted together (one track too short for a window), each track's model step
    predicts it alone, where its error stays its own."""
    bundle = current_bundle()
    if bundle is None or not decoded:
        return decoded
    try:
        predictions = bundle.predict_many([item.wave for item in decoded])
    except AudioError:
        return decoded
    return [replace(item, prediction=p) for item, p in zip(decoded, predictions, strict=True)]


def complete(track_id: int, writers: Iterable[ResultWriter]) -> bool:
    """Write the steps' results and mark the track ``analyzed``, atomically; False if it left
    ``analyzing`` meanwhile (failed, or re-queued by an editor) and so the results are stale."""
    with transaction.atomic():
        track = Track.objects.select_for_update().filter(pk=track_id, status=TrackStatus.ANALYZING).first()
        if track is None:
            return False
        for write in writers:
            write(track)
        track.status = TrackStatus.ANALYZED
        track.analyzed_at = timezone.now()
        track.error_code = ""
        track.error_detail = ""
        track.save()
        transaction.on_commit(lambda: _announce(track_id, TrackStatus.ANALYZED))
    return True


def fail(track_id: int, code: str, detail: str) -> bool:
    """Mark a pending or analysing track ``failed`` with a stable ``code`` and a human ``detail``.

    The single writer of failures. Analysed or already failed tracks are left alone (a late duplicate
    message cannot overwrite a result). The stored file is never touched. True if the track was updated.
    """
    updated = Track.objects.filter(pk=track_id, status__in=_ACTIVE).update(
        status=TrackStatus.FAILED, error_code=code, error_detail=detail[:2000], updated=timezone.now()
    )
    if updated:
        logger.warning("analysis of track %s failed: %s: %s", track_id, code, detail)
        transaction.on_commit(lambda: _announce(track_id, TrackStatus.FAILED))
    return bool(updated)


def _announce(track_id: int, status: TrackStatus) -> None:
    # After commit, so receivers (partner webhooks) never announce a result that was rolled back.
    analysis_finished.send(sender=Track, track_id=track_id, status=status)


def requeue(track_ids: Iterable[int], *, batch_size: int | None = None) -> int:
    """Put tracks back to ``pending`` (clearing errors and attempts) and queue their analysis on commit:
    one ``catalog.analyze_track`` each, or ``catalog.analyze_tracks`` batches of ``batch_size``."""
    ids = list(track_ids)
    with transaction.atomic():
        count = Track.objects.filter(pk__in=ids).update(
            status=TrackStatus.PENDING,
            error_code="",
            error_detail="",
            analysis_attempts=0,
            updated=timezone.now(),
        )
        if batch_size:
            transaction.on_commit(lambda: _enqueue_batches(ids, batch_size))
        else:
            for track_id in ids:
                transaction.on_commit(lambda track_id=track_id: enqueue_analysis(track_id))
    return count


def _enqueue_batches(track_ids: list[int], batch_size: int) -> None:
    from catalog.tasks import enqueue_analysis_batches  # the task module imports this one

    try:
        enqueue_analysis_batches(track_ids, batch_size)
    except BrokerError:
        logger.exception("could not queue the analysis of %d track(s); they stay pending", len(track_ids))


def enqueue_analysis(track_id: int) -> None:
    """Queue ``catalog.analyze_track``. If the broker is down the track stays ``pending`` (its file and row
    are safe) and is logged, to be re-queued from the admin; the upload itself still succeeds."""
    from catalog.tasks import analyze_track  # the task module imports this one

    try:
        analyze_track.delay(track_id)
    except BrokerError:
        logger.exception("could not queue the analysis of track %s; it stays pending", track_id)


@contextmanager
def _local_audio_path(track: Track) -> Iterator[Path]:
    """A filesystem path to the track's audio: the stored file itself, or a temporary copy for storages
    without local paths (S3 and the like)."""
    try:
        local = Path(track.audio_file.path)
    except NotImplementedError:
        local = None
    if local is not None:
        if not local.is_file():
            raise FileNotFoundError(f"no file at {local}")
        yield local
        return
    suffix = Path(track.audio_file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, track.audio_file.open("rb") as source:
        for chunk in source.chunks():
            copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def _finite_or_none(value: float) -> float | None:
    # Loudness of near-silence is -inf; the database and JSON want a number or nothing.
    value = float(value)
    return value if np.isfinite(value) else None

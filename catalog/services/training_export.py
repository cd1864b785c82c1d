"""Editor tags -> a training manifest in the ``ml.training`` format (docs/ml-training.md, docs/editors.md).

Which tracks and which labels:

- only **reviewed** tracks are exported: a reviewer looked at all of the track's tags, so a mood
  without a verdict is a known negative, which the manifest format needs;
- a track's moods are the level-2 moods it effectively has *from editors' verdicts* (``effective_tags``
  rules: a confirmed mood, or a tagged word's mood unless that mood was removed), never model scores no
  editor looked at; genres likewise (a subgenre counts as its genre);
- predictions a reviewer left standing (``accepted`` rows, ``catalog.services.editing.mark_reviewed``)
  are added as positives in the **train and val** splits only, where a weak label helps. In the **test**
  split, which judges models (``train_from_editors``), they are never labels: a model would be graded
  on its own guesses. A held-out head with an accepted prediction is unknown (``null``) rather than
  missing that positive, and a held-out track left with no known head is skipped;
- a head is known (a list, possibly empty) when an editor gave at least one verdict for it (in train
  and val, or accepted a prediction on it), else unknown (``null``, masked in the loss); a reviewed
  track with nothing known is skipped;
- moods and genres an editor added to the database but ``ml.taxonomy`` lacks are left out (a model's
  heads only know the taxonomy's labels), and counted;
- valence, arousal and speech are ``null``: editors do not set them.

Splits are by **artist** (all of an artist's tracks in one split, so the held-out slice measures
generalisation to new artists, not to other songs of the same album): a hash of the artist's slug and
the seed picks the split, so an artist keeps its split as the catalogue grows. Each track is one piece;
its triplet group is its artist.

Audio is decoded once into ``OUT_DIR/audio/<sha[:2]>/<sha>.flac`` (mono, the contract's sample rate),
named by the stored file's content hash, so a re-export reuses what it already wrote.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import soundfile as sf
from django.db.models import QuerySet

from catalog.models import Genre, Mood, MoodLevel, TagSource, Track, TrackGenre, TrackMood, Verdict
from catalog.services.effective_tags import EffectiveTag, effective_genres_for, effective_moods_for
from ml import taxonomy
from ml.audio import AudioContract, AudioError, load_audio

__all__ = [
    "DEFAULT_FRACTIONS",
    "EXPORT_SOURCE",
    "ExportReport",
    "TrackLabels",
    "editor_labels",
    "export_training_manifest",
    "split_of_artist",
]

EXPORT_SOURCE = "catalogue"
LICENCE = "catalogue upload: rights as granted by the uploader, not for redistribution"
DEFAULT_FRACTIONS = {"val": 0.15, "test": 0.15}
"""Shares of artists held out for validation (early stopping) and test (before/after comparison)."""
MANIFEST = "manifest.jsonl"


def split_of_artist(slug: str, fractions: dict[str, float] = DEFAULT_FRACTIONS, seed: int = 0) -> str:
    """ "test", "val" or "train" for an artist: a stable hash of (seed, slug) mapped to [0, 1) and cut at
    the test share, then the val share."""
    digest = hashlib.sha256(f"{seed}:{slug}".encode()).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64
    if position < fractions["test"]:
        return "test"
    if position < fractions["test"] + fractions["val"]:
        return "val"
    return "train"


@dataclass(frozen=True)
class TrackLabels:
    """Labels of one track: level-2 moods and top-level genres from editors' verdicts (None where no
    verdict was given on the head), and the predictions accepted at review (no verdict, see the module
    docstring)."""

    moods: tuple[str, ...] | None
    genres: tuple[str, ...] | None
    accepted_moods: tuple[str, ...] = ()
    accepted_genres: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.for_split("train").moods is None and self.for_split("train").genres is None

    def for_split(self, split: str) -> TrackLabels:
        """The labels a manifest line of ``split`` carries: verdicts plus accepted predictions in train
        and val; in test, verdicts only, and a head with an accepted prediction unknown."""
        if split == "test":
            return TrackLabels(
                moods=None if self.accepted_moods else self.moods,
                genres=None if self.accepted_genres else self.genres,
            )
        return TrackLabels(
            moods=_with_accepted(self.moods, self.accepted_moods),
            genres=_with_accepted(self.genres, self.accepted_genres),
        )


def _with_accepted(decided: tuple[str, ...] | None, accepted: tuple[str, ...]) -> tuple[str, ...] | None:
    if decided is None and not accepted:
        return None
    return tuple(sorted(set(decided or ()) | set(accepted)))


def editor_labels(track_ids: list[int]) -> tuple[dict[int, TrackLabels], Counter[str]]:
    """Editor labels of tracks (rules in the module docstring), and how many labels outside
    ``ml.taxonomy`` were left out, by name."""
    moods, genres = effective_moods_for(track_ids), effective_genres_for(track_ids)
    accepted = _accepted_at_review(track_ids)
    dropped: Counter[str] = Counter()
    known_moods, known_genres = set(taxonomy.mood_by_name()), set(taxonomy.genres())

    def labels(tags: list[EffectiveTag], is_label: Callable, vocabulary: set[str]) -> tuple[str, ...] | None:
        decided = [tag for tag in tags if tag.is_editor]  # effective tags ignore accepted predictions
        if not decided:
            return None
        names = sorted({tag.term.name for tag in decided if tag.score == 1.0 and is_label(tag.term)})
        dropped.update(name for name in names if name not in vocabulary)
        return tuple(name for name in names if name in vocabulary)

    def known(names: list[str], vocabulary: set[str]) -> tuple[str, ...]:
        dropped.update(name for name in names if name not in vocabulary)
        return tuple(sorted(name for name in names if name in vocabulary))

    result = {
        track_id: TrackLabels(
            moods=labels(moods[track_id], _is_level_2, known_moods),
            genres=labels(genres[track_id], _is_top_genre, known_genres),
            accepted_moods=known(accepted[TrackMood].get(track_id, []), known_moods),
            accepted_genres=known(accepted[TrackGenre].get(track_id, []), known_genres),
        )
        for track_id in track_ids
    }
    return result, dropped


def _accepted_at_review(track_ids: list[int]) -> dict[type, dict[int, list[str]]]:
    """Per tag model, track id -> names of the predictions accepted at review (two queries)."""
    found: dict[type, dict[int, list[str]]] = {}
    for model, name_field in ((TrackMood, "mood__name"), (TrackGenre, "genre__name")):
        rows = model.objects.filter(track_id__in=track_ids, source=TagSource.EDITOR, verdict=Verdict.ACCEPTED)
        by_track: dict[int, list[str]] = {}
        for track_id, name in rows.values_list("track_id", name_field):
            by_track.setdefault(track_id, []).append(name)
        found[model] = by_track
    return found


def _is_level_2(term: Mood) -> bool:
    return term.level == MoodLevel.MOOD


def _is_top_genre(term: Genre) -> bool:
    return term.parent_id is None


@dataclass
class ExportReport:
    """What an export wrote: the manifest, clips per split, and tracks skipped with the reason."""

    manifest: Path
    splits: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    held_out_masked: Counter[str] = field(default_factory=Counter)
    dropped_labels: Counter[str] = field(default_factory=Counter)
    decoded: int = 0

    @property
    def clips(self) -> int:
        return sum(self.splits.values())

    def lines(self) -> list[str]:
        splits = ", ".join(f"{split} {n}" for split, n in sorted(self.splits.items()))
        out = [f"{self.clips} clip(s) -> {self.manifest} ({splits or 'none'})"]
        out += [f"skipped {n} track(s): {reason}" for reason, n in sorted(self.skipped.items())]
        out += [
            f"held out: {head} unknown on {n} clip(s) (predictions accepted at review are not test labels)"
            for head, n in sorted(self.held_out_masked.items())
        ]
        if self.dropped_labels:
            out.append(f"labels outside ml.taxonomy left out: {dict(self.dropped_labels)}")
        return out


def export_training_manifest(
    out_dir: str | os.PathLike,
    *,
    tracks: QuerySet[Track] | None = None,
    fractions: dict[str, float] = DEFAULT_FRACTIONS,
    seed: int = 0,
    contract: AudioContract | None = None,
) -> ExportReport:
    """Write ``OUT_DIR/manifest.jsonl`` and the audio it names for the reviewed tracks (of ``tracks``,
    default all). Tracks whose audio cannot be decoded are skipped with the ``AudioError`` code; the
    manifest is replaced atomically."""
    out_dir = Path(out_dir)
    sample_rate = (contract or AudioContract()).sample_rate
    selected = (Track.objects.all() if tracks is None else tracks).filter(review__isnull=False)
    selected = selected.select_related("artist").order_by("pk")
    track_list = list(selected)
    labels, dropped = editor_labels([track.pk for track in track_list])
    report = ExportReport(manifest=out_dir / MANIFEST, dropped_labels=dropped)
    lines = []
    for track in track_list:
        split = split_of_artist(track.artist.slug, fractions, seed)
        track_labels = labels[track.pk].for_split(split)
        if track_labels.moods is None and track_labels.genres is None:
            report.skipped[_skip_reason(labels[track.pk], split)] += 1
            continue
        try:
            relative, duration, decoded = _exported_audio(track, out_dir, sample_rate)
        except (AudioError, OSError) as exc:
            report.skipped[f"audio: {getattr(exc, 'code', 'unreadable')}"] += 1
            continue
        if split == "test":
            report.held_out_masked.update(_masked_heads(labels[track.pk]))
        report.decoded += decoded
        report.splits[split] += 1
        lines.append(
            {
                "path": relative,
                "source": EXPORT_SOURCE,
                "piece": f"track-{track.pk}",
                "group": f"artist-{track.artist.slug}",
                "split": split,
                "moods": _listed(track_labels.moods),
                "genres": _listed(track_labels.genres),
                "valence": None,
                "arousal": None,
                "speech": None,
                "licence": LICENCE,
                "duration": round(duration, 3),
                "track_id": track.pk,
            }
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = out_dir / f".{MANIFEST}.partial"
    partial.write_text("".join(json.dumps(line) + "\n" for line in lines))
    os.replace(partial, report.manifest)
    return report


def _skip_reason(labels: TrackLabels, split: str) -> str:
    if split == "test" and not labels.empty:
        return "held out, with only predictions accepted at review (not test labels)"
    return "reviewed without any editor verdict"


def _masked_heads(labels: TrackLabels) -> list[str]:
    return [head for head, accepted in (("moods", labels.accepted_moods), ("genres", labels.accepted_genres))
            if accepted]  # fmt: skip


def _listed(names: tuple[str, ...] | None) -> list[str] | None:
    return None if names is None else list(names)


def _exported_audio(track: Track, out_dir: Path, sample_rate: int) -> tuple[str, float, bool]:
    """(path relative to ``out_dir``, duration in seconds, whether it was decoded now) of the track's
    exported FLAC, written unless an earlier export left it."""
    sha = track.content_sha256
    relative = f"audio/{sha[:2]}/{sha}.flac"
    target = out_dir / relative
    if target.is_file():
        return relative, sf.info(target).duration, False
    with _local_copy(track) as path:
        wave = load_audio(path, sample_rate=sample_rate)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    sf.write(partial, wave, sample_rate, format="FLAC")
    os.replace(partial, target)
    return relative, len(wave) / sample_rate, True


@contextmanager
def _local_copy(track: Track) -> Iterator[Path]:
    """A filesystem path to the stored audio: the file itself, or a temporary copy for storages without
    local paths (S3 and the like)."""
    try:
        local = Path(track.audio_file.path)
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    with tempfile.NamedTemporaryFile(suffix=Path(track.audio_file.name).suffix) as copy:
        with track.audio_file.open("rb") as source:
            for chunk in source.chunks():
                copy.write(chunk)
        copy.flush()
        yield Path(copy.name)

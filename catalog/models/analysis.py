"""What the model analysis of a track stores beside its tags: the analysis summary with the mood timeline,
the descriptive audio features, and the embedding used for similarity search.

All three are written by ``catalog.services.predictions.persist_analysis`` in one transaction with the
bundle's ``model_version``, and replaced together when a track is re-analysed (docs/analysis.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex, VectorField

from catalog.models.tracks import Track

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "AudioFeatures",
    "KeyMode",
    "PitchClass",
    "TrackAnalysis",
    "TrackEmbedding",
]

EMBEDDING_DIMENSIONS = 128
"""Length of a stored embedding; a bundle with another embedding size cannot be persisted."""


def _in_unit_interval(field: str) -> Q:
    return Q(**{f"{field}__gte": 0.0, f"{field}__lte": 1.0})


class TrackAnalysis(models.Model):
    """The model's summary of one track, one row per track (replaced on re-analysis).

    ``timeline`` is the per-window mood timeline, compact JSON:
    ``{"moods": [label, ...], "windows": [[start_s, end_s, [score per label]], ...]}``,
    scores rounded to 3 decimals (a 3-minute track: 119 windows x 40 moods, about 35 kB).
    """

    track = models.OneToOneField(
        Track, verbose_name="track", on_delete=models.CASCADE, related_name="analysis"
    )
    model_version = models.CharField(
        verbose_name="model version",
        max_length=64,
        help_text="Version of the bundle that analysed the track.",
    )
    speech_probability = models.FloatField(
        verbose_name="speech probability",
        help_text="Music-vs-speech head: mean over 3 s windows of the probability that the audio is speech.",
    )
    is_speech = models.BooleanField(
        verbose_name="speech",
        help_text="Speech-dominated upload (speech probability above the threshold in "
        "catalog.services.predictions): flagged and left out of music playlists.",
    )
    valence = models.FloatField(
        verbose_name="valence", help_text="Predicted valence in [-1, 1], mean over windows (tanh head)."
    )
    arousal = models.FloatField(
        verbose_name="arousal", help_text="Predicted arousal in [-1, 1], mean over windows (tanh head)."
    )
    uncertainty = models.FloatField(
        verbose_name="uncertainty",
        help_text="Mean binary entropy (bits, in [0, 1]) of the level-2 mood probabilities: 0 when the model "
        "is sure of every mood, 1 when every mood sits at 0.5. Orders the editors' review queue.",
    )
    duration_s = models.FloatField(verbose_name="duration analysed (s)")
    timeline = models.JSONField(
        verbose_name="mood timeline", help_text="Per-window level-2 mood probabilities (see the class docs)."
    )
    analysed_at = models.DateTimeField(verbose_name="analysed at")

    class Meta:
        verbose_name = "track analysis"
        verbose_name_plural = "track analyses"
        indexes = [
            models.Index(fields=["model_version"], name="catalog_analysis_version_idx"),
            models.Index(fields=["-uncertainty"], name="catalog_analysis_uncert_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in_unit_interval("speech_probability"), name="catalog_analysis_speech_p"
            ),
            models.CheckConstraint(
                condition=_in_unit_interval("uncertainty"), name="catalog_analysis_uncertainty"
            ),
            models.CheckConstraint(
                condition=Q(valence__gte=-1, valence__lte=1, arousal__gte=-1, arousal__lte=1),
                name="catalog_analysis_va_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"analysis of track {self.track_id} ({self.model_version})"

    @property
    def music_probability(self) -> float:
        return 1.0 - self.speech_probability


class PitchClass(models.TextChoices):
    C = "C"
    C_SHARP = "C#"
    D = "D"
    D_SHARP = "D#"
    E = "E"
    F = "F"
    F_SHARP = "F#"
    G = "G"
    G_SHARP = "G#"
    A = "A"
    A_SHARP = "A#"
    B = "B"


class KeyMode(models.TextChoices):
    MAJOR = "major", "major"
    MINOR = "minor", "minor"


class AudioFeatures(models.Model):
    """Descriptive features of one track (docs/audio-features.md), shown on the track page and used as
    playlist constraints. Signal features come from ``ml.features``; speechiness and valence from the model.
    """

    track = models.OneToOneField(
        Track, verbose_name="track", on_delete=models.CASCADE, related_name="features"
    )
    tempo_bpm = models.FloatField(
        verbose_name="tempo (BPM)",
        null=True,
        blank=True,
        help_text="60 / mean inter-beat interval of Ellis's dynamic-programming beat tracker, seeded by the "
        "onset-envelope tempogram; empty when there is no pulse.",
    )
    tempo_confidence = models.FloatField(
        verbose_name="tempo confidence",
        help_text="In [0, 1]: periodicity of the onset envelope at the beat period x fraction of local tempo "
        "estimates within 4 % of the BPM.",
    )
    key = models.CharField(
        verbose_name="key",
        max_length=2,
        choices=PitchClass.choices,
        blank=True,
        help_text="Tonic by Krumhansl-Schmuckler: mean chroma correlated with the 24 rotated "
        "Krumhansl-Kessler profiles; empty without pitch content.",
    )
    mode = models.CharField(
        verbose_name="mode",
        max_length=5,
        choices=KeyMode.choices,
        blank=True,
        help_text="Major or minor, from the best-correlating key profile.",
    )
    key_confidence = models.FloatField(
        verbose_name="key confidence",
        help_text="The winning Pearson correlation, in [-1, 1]; below about 0.6 there is no clear tonal "
        "centre.",
    )
    loudness_lufs = models.FloatField(
        verbose_name="loudness (LUFS)",
        null=True,
        blank=True,
        help_text="ITU-R BS.1770-4 integrated loudness (K-weighted, gated) of the mono 22.05 kHz decode; "
        "empty for near-silence.",
    )
    energy = models.FloatField(
        verbose_name="energy",
        help_text="In [0, 1]: 0.6 x RMS level term (-30 dBFS -> 0, -6 dBFS -> 1) + 0.4 x onset density term "
        "(log2(1 + onsets/s) / log2(9)).",
    )
    danceability = models.FloatField(
        verbose_name="danceability",
        help_text="In [0, 1]: onset-envelope autocorrelation at the beat period x a preference for tempos "
        "near 120 BPM; 0 without a pulse.",
    )
    speechiness = models.FloatField(
        verbose_name="speechiness",
        help_text="The model's music-vs-speech probability (same as the analysis' speech probability).",
    )
    valence = models.FloatField(
        verbose_name="valence",
        help_text="The model's predicted valence in [-1, 1]: not a signal feature, copied here so features "
        "read as one set.",
    )
    model_version = models.CharField(
        verbose_name="model version",
        max_length=64,
        help_text="The bundle whose speechiness and valence these are.",
    )
    computed_at = models.DateTimeField(verbose_name="computed at")

    class Meta:
        verbose_name = "audio features"
        verbose_name_plural = "audio features"
        constraints = [
            models.CheckConstraint(
                condition=_in_unit_interval("tempo_confidence")
                & _in_unit_interval("energy")
                & _in_unit_interval("danceability")
                & _in_unit_interval("speechiness")
                & Q(key_confidence__gte=-1, key_confidence__lte=1, valence__gte=-1, valence__lte=1),
                name="catalog_features_in_range",
            ),
            # Key and mode come together or not at all.
            models.CheckConstraint(
                condition=Q(key="", mode="") | (~Q(key="") & ~Q(mode="")), name="catalog_features_key_mode"
            ),
        ]

    def __str__(self) -> str:
        return f"features of track {self.track_id}"


class TrackEmbedding(models.Model):
    """The track's L2-normalised embedding (mean of its window embeddings, re-normalised), for similarity
    search with pgvector. Embeddings of different model versions live in different spaces: compare only
    rows of one ``model_version``."""

    track = models.OneToOneField(
        Track, verbose_name="track", on_delete=models.CASCADE, related_name="embedding"
    )
    vector = VectorField(
        verbose_name="vector",
        dimensions=EMBEDDING_DIMENSIONS,
        help_text="Unit-length embedding; cosine distance = 1 - dot product.",
    )
    model_version = models.CharField(
        verbose_name="model version",
        max_length=64,
        help_text="Version of the bundle that embedded the track.",
    )
    embedded_at = models.DateTimeField(verbose_name="embedded at", auto_now=True)

    class Meta:
        verbose_name = "track embedding"
        verbose_name_plural = "track embeddings"
        indexes = [
            HnswIndex(
                name="catalog_embedding_hnsw",
                fields=["vector"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            models.Index(fields=["model_version"], name="catalog_embedding_version_idx"),
            # Rows newer than the Annoy file's watermark are read from here and merged per query.
            models.Index(fields=["model_version", "embedded_at"], name="catalog_embedding_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"embedding of track {self.track_id} ({self.model_version})"

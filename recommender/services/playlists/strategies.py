"""The playlist strategies. Each scores every snapshot row (``relevance``), may score per position
(``step_relevance``, journeys) and explains a chosen row from the same numbers (``reason``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catalog.models import Track, TrackEmbedding
from recommender.services.layout import layout
from recommender.services.playlists.context import Context
from recommender.services.playlists.errors import PlaylistError
from recommender.services.playlists.registry import strategies
from recommender.services.playlists.sequencing import StepRelevance
from recommender.services.playlists.targets import MoodTarget, resolve_target, va_closeness
from recommender.services.similarity import SimilarityFilters, nearest_to_vector

__all__ = ["JourneyStrategy", "MoodStrategy", "Seed", "SeedStrategy", "Strategy", "load_seeds"]

SEED_NEIGHBOURS = 5
"""Neighbours asked of the similarity facade per seed and playlist slot."""
SHARED_FAMILY_MIN = 0.5
"""A family counts as shared by a track and its seed when both score at least this much."""


class Strategy:
    """Defaults: one relevance for every position, gentle transitions, a pool of 15 candidates a slot."""

    name = ""
    pool_factor = 15
    transition_weight = 0.15

    def prepare(self, ctx: Context) -> None:
        """Check the request and keep what ``relevance``/``reason`` need in ``ctx.extras``."""

    def relevance(self, ctx: Context) -> np.ndarray:
        raise NotImplementedError

    def step_relevance(self, ctx: Context, pool: np.ndarray, boost: np.ndarray) -> StepRelevance | None:
        return None

    def reason(self, ctx: Context, row: int, step: int) -> str:
        raise NotImplementedError


def _targets(names: dict[str, float]) -> list[tuple[MoodTarget, float]]:
    targets = []
    for name, weight in names.items():
        if weight <= 0:
            continue
        try:
            targets.append((resolve_target(name), float(weight)))
        except KeyError:
            raise PlaylistError(f"unknown mood {name!r}") from None
    return targets


@strategies.register("mood")
class MoodStrategy(Strategy):
    """Target moods or families, weighted, and/or a valence/arousal point."""

    name = "mood"

    def prepare(self, ctx: Context) -> None:
        targets = _targets(ctx.request.moods)
        if not targets and ctx.request.point is None:
            raise PlaylistError("choose at least one mood or a point in the mood plane")
        ctx.extras["targets"] = targets

    def relevance(self, ctx: Context) -> np.ndarray:
        targets, point = ctx.extras["targets"], ctx.request.point
        parts = []
        if targets:
            total = sum(w for _, w in targets)
            # Mostly the score itself; a quarter closeness to the mood's place in the circumplex, so once
            # the clearly matching tracks are used up the next ones come from neighbouring moods.
            parts.append(
                sum(
                    w * (0.75 * t.scores(ctx.snapshot) + 0.25 * va_closeness(ctx.snapshot, t.va))
                    for t, w in targets
                )
                / total
            )
        if point is not None:
            parts.append(va_closeness(ctx.snapshot, point))
        return sum(parts) / len(parts)

    def reason(self, ctx: Context, row: int, step: int) -> str:
        targets, point = ctx.extras["targets"], ctx.request.point
        if targets:
            ranked = sorted(targets, key=lambda tw: -tw[0].score_of(ctx.snapshot, row) * tw[1])
            best = [t for t, _ in ranked if t.score_of(ctx.snapshot, row) >= SHARED_FAMILY_MIN][:2]
            if len(best) == 2:
                return " and ".join(f"{t.label} {t.score_of(ctx.snapshot, row):.2f}" for t in best)
            top = ranked[0][0]
            return f"matches {top.label} {top.score_of(ctx.snapshot, row):.2f}"
        valence, arousal = ctx.snapshot.va[row]
        distance = float(np.hypot(valence - point[0], arousal - point[1]))
        return f"valence {valence:+.2f}, arousal {arousal:+.2f}: {distance:.2f} from your point"


@dataclass(frozen=True)
class Seed:
    pk: int
    title: str
    vector: list[float]
    model_version: str


def load_seeds(user, track_ids) -> list[Seed]:
    """The seed tracks ``user`` may see, with their embeddings: one query for all of them (the service
    also reads the playlist's model version from it)."""
    if not track_ids:
        return []
    rows = TrackEmbedding.objects.filter(
        track__in=Track.objects.visible_to(user).filter(pk__in=list(track_ids))
    ).values_list("track_id", "track__title", "vector", "model_version")
    return [Seed(pk, title, list(vector), version) for pk, title, vector, version in rows]


@strategies.register("seed")
class SeedStrategy(Strategy):
    """More like these: neighbours of the seed tracks from the similarity facade."""

    name = "seed"

    def prepare(self, ctx: Context) -> None:
        loaded = ctx.extras.get("seed_rows")
        if loaded is None:
            loaded = load_seeds(ctx.user, ctx.request.seeds)
        seeds = [
            s for s in loaded if s.pk in ctx.snapshot.row_of and s.model_version == ctx.snapshot.model_version
        ]
        if not seeds:
            raise PlaylistError("choose at least one seed track (analysed, visible to you)")
        ctx.extras["seeds"] = seeds

    def relevance(self, ctx: Context) -> np.ndarray:
        snapshot, seeds = ctx.snapshot, ctx.extras["seeds"]
        k = SEED_NEIGHBOURS * ctx.request.length
        similarity = np.full(len(snapshot), -np.inf, dtype=np.float32)
        nearest_seed = np.full(len(snapshot), -1, dtype=np.int64)
        exclude = SimilarityFilters(exclude_track_ids=frozenset(s.pk for s in seeds))
        for index, seed in enumerate(seeds):
            neighbours = nearest_to_vector(
                seed.vector, user=ctx.user, model_version=seed.model_version, k=k, filters=exclude
            )
            for neighbour in neighbours:
                row = snapshot.row_of.get(neighbour.track_id)
                if row is not None and neighbour.similarity > similarity[row]:
                    similarity[row] = neighbour.similarity
                    nearest_seed[row] = index
        ctx.extras["nearest_seed"] = nearest_seed
        ctx.extras["similarity"] = similarity
        seed_rows = snapshot.rows([s.pk for s in seeds])
        found = np.flatnonzero(np.isfinite(similarity))  # only the facade's neighbours are candidates
        relevance = np.full(len(snapshot), -np.inf, dtype=np.float32)
        mood_likeness = snapshot.profile[found] @ snapshot.profile[seed_rows].mean(axis=0)
        relevance[found] = 0.7 * similarity[found] + 0.3 * mood_likeness
        return relevance

    def reason(self, ctx: Context, row: int, step: int) -> str:
        snapshot = ctx.snapshot
        seed = ctx.extras["seeds"][int(ctx.extras["nearest_seed"][row])]
        seed_row = snapshot.row_of[seed.pk]
        shared = np.minimum(snapshot.families[row], snapshot.families[seed_row])
        families = [
            layout().families[int(i)] for i in np.argsort(-shared)[:2] if shared[i] >= SHARED_FAMILY_MIN
        ]
        if families:
            return f"{' and '.join(families)} like your seed “{seed.title[:60]}”"
        return f"sounds like your seed “{seed.title[:60]}” ({ctx.extras['similarity'][row]:.2f})"


@strategies.register("journey")
class JourneyStrategy(Strategy):
    """From one mood to another across the list: each position targets the point that far along the line
    between the two moods, and transitions weigh more so neighbours blend."""

    name = "journey"
    pool_factor = 20
    transition_weight = 0.3

    def prepare(self, ctx: Context) -> None:
        request = ctx.request
        if not request.journey_from or not request.journey_to:
            raise PlaylistError("a journey needs a start mood and an end mood")
        try:
            ctx.extras["ends"] = (resolve_target(request.journey_from), resolve_target(request.journey_to))
        except KeyError as error:
            raise PlaylistError(f"unknown mood {error.args[0]!r}") from None

    def relevance(self, ctx: Context) -> np.ndarray:
        start, end = ctx.extras["ends"]
        snapshot = ctx.snapshot
        a, b = np.array(start.va), np.array(end.va)
        d = b - a
        along = (snapshot.va[:, 0] - a[0]) * d[0] + (snapshot.va[:, 1] - a[1]) * d[1]
        along = np.clip(along / max(float(d @ d), 1e-9), 0.0, 1.0)
        nearest = a + along[:, None] * (b - a)
        closeness = 1.0 - np.hypot(*(snapshot.va - nearest).T) / np.hypot(2.0, 2.0)
        return 0.6 * closeness + 0.4 * np.maximum(start.scores(snapshot), end.scores(snapshot))

    def step_relevance(self, ctx: Context, pool: np.ndarray, boost: np.ndarray) -> StepRelevance:
        start, end = ctx.extras["ends"]
        snapshot, length = ctx.snapshot, ctx.request.length
        s, e = start.scores(snapshot)[pool], end.scores(snapshot)[pool]

        def at(step: int) -> np.ndarray:
            t = step / max(length - 1, 1)
            point = ((1 - t) * start.va[0] + t * end.va[0], (1 - t) * start.va[1] + t * end.va[1])
            return 0.6 * va_closeness(snapshot, point, pool) + 0.4 * ((1 - t) * s + t * e) + boost

        return at

    def reason(self, ctx: Context, row: int, step: int) -> str:
        start, end = ctx.extras["ends"]
        snapshot = ctx.snapshot
        return (
            f"step {step + 1}: {start.label} {start.score_of(snapshot, row):.2f} → "
            f"{end.label} {end.score_of(snapshot, row):.2f}, arousal {snapshot.va[row, 1]:+.2f}"
        )

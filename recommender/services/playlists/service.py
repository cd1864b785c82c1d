"""Generating a playlist: strategy relevance plus style and profile boosts over the snapshot, a pool of the
best allowed rows checked against the database, then the constrained MMR sequence, each track with a
reason read from the same scores. ``save_playlist`` stores the result for the listener's player page."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Q

from catalog.choices import TrackStatus, Visibility
from catalog.models import Track
from recommender.models import ListenerProfile, Playlist, PlaylistItem
from recommender.services.layout import layout
from recommender.services.playlists.context import Context
from recommender.services.playlists.errors import PlaylistError
from recommender.services.playlists.personal import personal_boost, style_boost
from recommender.services.playlists.registry import strategies
from recommender.services.playlists.request import PlaylistRequest
from recommender.services.playlists.sequencing import Constraints, sequence
from recommender.services.playlists.snapshot import get_snapshot
from recommender.services.playlists.strategies import load_seeds
from recommender.services.profiles.taste import feedback, taste_for

__all__ = ["GeneratedPlaylist", "Item", "generate", "save_playlist"]

REASON_MAX = 200
MIN_POOL = 300
VERIFY_ATTEMPTS = 3


@dataclass(frozen=True)
class Item:
    track_id: int
    score: float
    reason: str


@dataclass(frozen=True)
class GeneratedPlaylist:
    request: PlaylistRequest
    model_version: str
    items: list[Item]

    @property
    def track_ids(self) -> list[int]:
        return [item.track_id for item in self.items]


def generate(request: PlaylistRequest, user) -> GeneratedPlaylist:
    """A playlist for ``user`` (public tracks and their own only, one model version, no disliked track)."""
    strategy = strategies.get(request.strategy)()
    seeds = load_seeds(user, request.seeds)
    # One model version: the request's, else the seeds' (their embeddings' space), else the largest.
    snapshot = get_snapshot(request.model_version or (seeds[0].model_version if seeds else None))
    if snapshot is None:
        raise PlaylistError("the catalogue has no analysed tracks yet")
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    allowed = snapshot.playable_mask(user_id, allow_speech=request.allow_speech)
    excluded = set(request.exclude)
    taste = None
    if user_id is not None:
        profile = ListenerProfile.objects.filter(user_id=user_id).first()
        if request.personalise:
            taste = taste_for(profile, snapshot)
            excluded |= taste.disliked
        else:
            excluded |= feedback(profile)[1]  # never a disliked track, personalised or not
    if excluded:
        allowed &= ~np.isin(snapshot.track_ids, np.fromiter(excluded, dtype=np.int64))
    ctx = Context(request=request, snapshot=snapshot, user=user, allowed=allowed, taste=taste)
    ctx.extras["seed_rows"] = seeds
    strategy.prepare(ctx)

    pool_size = max(MIN_POOL, strategy.pool_factor * request.length)
    relevance = np.asarray(strategy.relevance(ctx), dtype=np.float32)
    boost = np.zeros(len(snapshot), dtype=np.float32)
    for extra in (style_boost(ctx), personal_boost(ctx, k=pool_size)):
        if extra is not None:
            boost += extra
    ctx.extras["boost"] = boost
    total = np.where(allowed & np.isfinite(relevance), relevance + boost, -np.inf)
    pool = _top(total, pool_size)
    for _ in range(VERIFY_ATTEMPTS):
        steps = strategy.step_relevance(ctx, pool, boost[pool])
        picked = sequence(
            snapshot,
            pool,
            steps if steps is not None else total[pool],
            Constraints(request.length, request.artist_spacing, request.max_duration_s),
            mmr_lambda=request.mmr_lambda,
            transition_weight=strategy.transition_weight,
        )
        stale = _not_playable([row for row, _ in picked], snapshot.track_ids, user_id)
        if not stale:
            break
        pool = pool[~np.isin(pool, stale)]
    else:
        picked = [(row, score) for row, score in picked if row not in stale]
    items = [
        Item(
            track_id=int(snapshot.track_ids[row]),
            score=round(score, 4),
            reason=_reason(strategy, ctx, row, step),
        )
        for step, (row, score) in enumerate(picked)
    ]
    return GeneratedPlaylist(request=request, model_version=snapshot.model_version, items=items)


def _top(values: np.ndarray, k: int) -> np.ndarray:
    finite = np.flatnonzero(np.isfinite(values))
    if len(finite) > k:
        finite = finite[np.argpartition(-values[finite], k - 1)[:k]]
    return finite[np.argsort(-values[finite], kind="stable")]


def _not_playable(rows: list[int], track_ids: np.ndarray, user_id: int | None) -> set[int]:
    """Rows whose tracks the database no longer says are analysed and public or the user's own: the
    snapshot may be a moment stale, privacy may not. One query over the chosen tracks only."""
    if not rows:
        return set()
    who = Q(visibility=Visibility.PUBLIC) | (Q(owner_id=user_id) if user_id is not None else Q(pk__in=[]))
    ids = track_ids[rows].tolist()
    ok = set(Track.objects.filter(who, pk__in=ids, status=TrackStatus.ANALYZED).values_list("pk", flat=True))
    return {row for row, track_id in zip(rows, ids, strict=True) if track_id not in ok}


def _reason(strategy, ctx: Context, row: int, step: int) -> str:
    parts = [strategy.reason(ctx, row, step)]
    snapshot, request = ctx.snapshot, ctx.request
    lay = layout()
    styles = [g for g, w in request.genres.items() if w > 0]
    if styles:
        genre = max(styles, key=lambda g: snapshot.genres[row, lay.genre_index[g]])
        parts.append(f"{genre} {snapshot.genres[row, lay.genre_index[genre]]:.2f}")
    taste = ctx.taste
    if taste is not None and taste.confidence > 0:
        family = int(snapshot.families[row].argmax())
        liked = taste.liked_by_family.get(family, 0)
        if liked:
            noun = "track" if liked == 1 else "tracks"
            parts.append(f"you liked {liked} {lay.families[family]} {noun}")
        elif ctx.extras.get("taste_closeness") is not None and ctx.extras["taste_closeness"][row] > 0.5:
            parts.append(f"close to your taste {ctx.extras['taste_closeness'][row]:.2f}")
    return " · ".join(parts)[:REASON_MAX]


@transaction.atomic
def save_playlist(generated: GeneratedPlaylist, owner, name: str, *, saved: bool = False) -> Playlist:
    playlist = Playlist.objects.create(
        owner=owner,
        name=name[:120],
        strategy=generated.request.strategy,
        request=generated.request.as_json(),
        model_version=generated.model_version,
        saved=saved,
    )
    PlaylistItem.objects.bulk_create(
        PlaylistItem(
            playlist=playlist, track_id=item.track_id, position=i, score=item.score, reason=item.reason
        )
        for i, item in enumerate(generated.items)
    )
    return playlist

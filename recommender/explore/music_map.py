"""The music map: compute a layout of one model version's embeddings, and serve it to a user.

Compute (the task): every embedded track of the version, visible or not (one layout for everyone, so a
track keeps its place whoever looks), laid out by the registry's method, coloured by its strongest mood
family. Serve: only the points of tracks the user may see, with titles read now, the user's liked
tracks and the centre of their likes. A region (lasso) is answered from the same cache.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Track, TrackEmbedding
from catalog.services.effective_tags import effective_families, effective_moods_for
from recommender.explore.layouts import LAYOUTS, SEED, choose_layout, normalise
from recommender.explore.models import MusicMap
from recommender.subsonic import signals_adapter

__all__ = [
    "MAX_REGION_TRACKS",
    "compute_map",
    "current_map",
    "map_payload",
    "mark_stale",
    "region_tracks",
]

MOOD_CHUNK = 2000
MAX_REGION_TRACKS = 200
TOP_MOODS = 2


def preferred_layout() -> str:
    return getattr(settings, "MOODMIX_MAP_LAYOUT", "umap")


_MARK_STALE = """
    INSERT INTO {table} (model_version, layout, points, track_count, stale, error)
    VALUES (%s, '', '[]'::jsonb, 0, true, '')
    ON CONFLICT (model_version) DO UPDATE SET stale = true WHERE {table}.stale = false
    RETURNING id
"""


def mark_stale(model_version: str) -> bool:
    """Flag the version's map as out of date; True when this call is the one that flagged it (the caller
    then schedules a computation: many analyses finishing together schedule one). One statement, so
    concurrent analyses cannot both see "not stale yet"."""
    with connection.cursor() as cursor:
        cursor.execute(_MARK_STALE.format(table=MusicMap._meta.db_table), [model_version])
        return cursor.fetchone() is not None


def compute_map(model_version: str) -> MusicMap:
    started = time.monotonic()
    MusicMap.objects.update_or_create(model_version=model_version, defaults={"stale": False})
    embeddings = TrackEmbedding.objects.filter(model_version=model_version).order_by("track_id")
    rows = list(embeddings.values_list("track_id", "vector"))
    ids = [track_id for track_id, _ in rows]
    points: list[list] = []
    method = ""
    if rows:
        vectors = np.asarray([vector for _, vector in rows], dtype=np.float32)
        method = choose_layout(len(rows), preferred_layout())
        coords = normalise(np.asarray(LAYOUTS[method](vectors, SEED), dtype=np.float64))
        colours = _moods(ids)
        points = [
            [track_id, round(float(x), 5), round(float(y), 5), *colours.get(track_id, ("", []))]
            for track_id, (x, y) in zip(ids, coords, strict=True)
        ]
    with transaction.atomic():
        music_map = MusicMap.objects.select_for_update().get(model_version=model_version)
        music_map.layout, music_map.points, music_map.track_count = method, points, len(points)
        music_map.compute_seconds = round(time.monotonic() - started, 3)
        music_map.computed_at, music_map.error = timezone.now(), ""
        music_map.save()
    return music_map


def _moods(track_ids: Sequence[int]) -> dict[int, tuple[str, list[str]]]:
    """Track id -> (strongest family, its strongest level-2 moods), in chunks (40 mood rows a track)."""
    found: dict[int, tuple[str, list[str]]] = {}
    for start in range(0, len(track_ids), MOOD_CHUNK):
        for track_id, tags in effective_moods_for(track_ids[start : start + MOOD_CHUNK]).items():
            families = [t for t in effective_families(tags) if t.score > 0]
            moods = [t.term.name for t in tags if t.score > 0 and t.term.level == 2][:TOP_MOODS]
            if families:
                found[track_id] = (families[0].term.name, moods)
    return found


def current_map(model_version: str | None = None) -> MusicMap | None:
    """The map to show: of ``model_version``, or the most recently computed one."""
    maps = MusicMap.objects.exclude(computed_at=None)
    if model_version:
        maps = maps.filter(model_version=model_version)
    return maps.order_by("-computed_at").first()


def map_payload(user, music_map: MusicMap) -> dict:
    # One pass over the visible tracks rather than an IN list of every point (10k ids at 10k tracks):
    # three columns of the visible catalogue, intersected here.
    visible = {
        pk: (title, artist)
        for pk, title, artist in Track.objects.visible_to(user).values_list("pk", "title", "artist__name")
    }
    points = [
        {
            "id": p[0],
            "x": p[1],
            "y": p[2],
            "family": p[3],
            "moods": p[4],
            "title": visible[p[0]][0],
            "artist": visible[p[0]][1],
        }
        for p in music_map.points
        if p[0] in visible
    ]
    liked = _liked(user, {p["id"] for p in points})
    by_id = {p["id"]: p for p in points}
    centre = None
    if liked:
        centre = {
            "x": round(sum(by_id[i]["x"] for i in liked) / len(liked), 5),
            "y": round(sum(by_id[i]["y"] for i in liked) / len(liked), 5),
        }
    return {
        "model_version": music_map.model_version,
        "layout": music_map.layout,
        "computed_at": music_map.computed_at.isoformat(),
        "stale": music_map.stale,
        "points": points,
        "liked": liked,
        "liked_centre": centre,
    }


def _liked(user, visible_ids: set[int]) -> list[int]:
    if not user.is_authenticated:
        return []
    return [i for i in signals_adapter.starred_track_ids(user) if i in visible_ids]


@dataclass(frozen=True)
class RegionTrack:
    id: int
    title: str
    artist: str


def region_tracks(user, music_map: MusicMap, polygon: Sequence[tuple[float, float]]) -> list[RegionTrack]:
    """Visible tracks inside ``polygon`` (map coordinates), ordered as a walk from the region's left edge
    to the nearest next point each time, so a region plays as a gradual tour rather than in id order."""
    if len(polygon) < 3 or not music_map.points:
        return []
    table = np.asarray([p[:3] for p in music_map.points], dtype=np.float64)
    inside = table[_inside(table[:, 1:3], np.asarray(polygon, dtype=np.float64))]
    candidates = Track.objects.visible_to(user).filter(pk__in=inside[:, 0].astype(int).tolist())
    visible = set(candidates.values_list("pk", flat=True))
    inside = inside[[int(row[0]) in visible for row in inside]] if len(inside) else inside
    order = _walk(inside[:, 1:3])[:MAX_REGION_TRACKS] if len(inside) else []
    ids = [int(inside[i, 0]) for i in order]
    tracks = Track.objects.filter(pk__in=ids).select_related("artist").in_bulk(ids)
    return [RegionTrack(pk, tracks[pk].title, tracks[pk].artist.name) for pk in ids]


def _inside(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Even-odd ray casting, vectorised over points."""
    x, y = points[:, 0], points[:, 1]
    result = np.zeros(len(points), dtype=bool)
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at_x = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        result ^= crosses & (x < at_x)
    return result


def _walk(coords: np.ndarray) -> list[int]:
    remaining = set(range(len(coords)))
    current = int(np.argmin(coords[:, 0]))
    order = [current]
    remaining.discard(current)
    while remaining and len(order) < MAX_REGION_TRACKS:
        candidates = np.fromiter(remaining, dtype=int)
        current = int(candidates[np.argmin(((coords[candidates] - coords[current]) ** 2).sum(axis=1))])
        order.append(current)
        remaining.discard(current)
    return order

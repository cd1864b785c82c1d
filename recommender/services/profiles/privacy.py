"""A listener's rights over their data: export everything the profile rests on, or delete it all."""

from __future__ import annotations

from django.db import transaction

from recommender.models import ListenerProfile, ListeningEvent, Playlist
from recommender.services.playlists.snapshot import get_snapshot
from recommender.services.profiles.portrait import portrait
from recommender.services.profiles.summary import summarise

__all__ = ["delete_profile", "export_profile"]


def export_profile(user) -> dict:
    """Everything Moodmix keeps about the listener's listening, as JSON-ready data."""
    profile = ListenerProfile.objects.filter(user=user).first()
    summary = summarise(profile, get_snapshot((profile.model_version if profile else "") or None))
    text = portrait(summary)
    return {
        "user": user.get_username(),
        "profile": None
        if profile is None
        else {
            "model_version": profile.model_version,
            "signal_count": profile.signal_count,
            "families": [{"name": f.name, "share": f.share, "catalogue": f.prior} for f in summary.families],
            "genres": [{"name": g.name, "share": g.share, "lift": g.lift} for g in summary.genres],
            "taste_vector_sum": profile.taste_sum,
            "portrait": [{"text": s.text, "moods": list(s.moods)} for s in text.sentences] if text else [],
            "updated": profile.updated.isoformat(),
        },
        "events": [
            {"track": e.track_id, "kind": e.kind, "fraction": e.fraction, "at": e.created.isoformat()}
            for e in ListeningEvent.objects.filter(user=user).order_by("created", "pk")
        ],
        "playlists": [
            {
                "name": p.name,
                "strategy": p.strategy,
                "saved": p.saved,
                "tracks": [i.track_id for i in p.items.all()],
            }
            for p in Playlist.objects.filter(owner=user).prefetch_related("items")
        ],
    }


@transaction.atomic
def delete_profile(user) -> int:
    """Delete the profile and every listening event (playlists stay: they are the listener's own
    creations, deleted one by one). Returns the number of events deleted."""
    ListenerProfile.objects.filter(user=user).delete()
    deleted, _ = ListeningEvent.objects.filter(user=user).delete()
    return deleted

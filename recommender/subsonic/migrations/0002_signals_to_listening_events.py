"""Stars and scrobbles move to the recommender app's listening events: each star becomes a like, each
scrobble a full play (at the client's time), then the two tables go. Profiles are rebuilt from the log
for the listeners who had any, since the events were written without the event service."""

from django.db import migrations


def copy_to_events(apps, schema_editor):
    Star = apps.get_model("subsonic", "Star")
    Scrobble = apps.get_model("subsonic", "Scrobble")
    ListeningEvent = apps.get_model("recommender", "ListeningEvent")
    users: set[int] = set()
    for kind, rows in (
        ("like", Star.objects.values_list("user_id", "track_id", "created")),
        ("play", Scrobble.objects.values_list("user_id", "track_id", "played_at")),
    ):
        for user_id, track_id, at in rows.iterator():
            event = ListeningEvent.objects.create(
                user_id=user_id, track_id=track_id, kind=kind, fraction=1.0 if kind == "play" else None
            )
            # auto_now_add stamped "now": keep when it really happened.
            ListeningEvent.objects.filter(pk=event.pk).update(created=at)
            users.add(user_id)
    if users:
        # The profile sums need the real layout and track vectors: the service, not a historical model.
        from recommender.services.profiles.accumulate import rebuild_profile

        for user_id in sorted(users):
            rebuild_profile(user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("subsonic", "0001_subsonic_api"),
        ("recommender", "0002_listening_playlists_profiles"),
    ]

    operations = [
        migrations.RunPython(copy_to_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="Scrobble"),
        migrations.DeleteModel(name="Star"),
    ]

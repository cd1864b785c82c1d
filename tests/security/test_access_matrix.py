"""Who may open what: every page and API endpoint holding private data, for every kind of caller.

Rows are cases (a request on someone's private data), columns are callers: anonymous, the owner listener,
another listener, an editor (staff in the Editors group, not superuser), a superuser, and partner keys of
partner A (one key per scope) and of partner B (every scope). Each cell is one test. The expected outcome
is written out per cell, so a new rule shows up as a changed table, not as a weakened assertion:

- ``OK``: answered 2xx/3xx and, where the case has a secret, the body shows it;
- ``DENY``: refused (401, 403, 404, a redirect to a login page, or a 400 "no such ...") and nothing changed;
- ``HIDE``: answered 200 but the secret is nowhere in the body (listings, searches).

Policy (what the table encodes): private tracks are the owner's and the superuser's (who administers the
instance); editors see them only when the owner submits them for review; playlists and profiles are only
ever their owner's, also for a superuser on the listener pages (the admin is the superuser's tool);
partner keys act as their partner's service account and never open a web session.

The Subsonic API (``/rest/``) authenticates by its own credentials, never the session: session callers
send their own Subsonic username and password (``{auth}`` in the URL), partner keys try their key as an
OpenSubsonic ``apiKey`` (it is not one), anonymous callers send nothing. Subsonic answers errors as HTTP
200 with ``status: failed``, which counts as a refusal here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.utils import timezone

from catalog.choices import Visibility
from catalog.models import Track
from recommender.api.models import Scope, WebhookEndpoint
from recommender.api.services.keys import create_partner, issue_key
from recommender.explore.models import MusicMap
from recommender.models import ListenerProfile, ListeningEvent, Playlist
from recommender.subsonic.credentials import reset_password, subsonic_credential
from tests.catalog.editors import make_editor
from tests.factories import TrackFactory, UserFactory

OK, DENY, HIDE = "ok", "deny", "hide"
SESSION_ACTORS = ["anonymous", "owner", "other", "editor", "superuser"]
KEY_ACTORS = [f"key:{s.value}" for s in Scope] + ["key:B-all"]
ACTORS = SESSION_ACTORS + KEY_ACTORS


@dataclass
class World:
    users: dict
    keys: dict
    track: Track  # olive's private upload (web)
    partner_track: Track  # partner A's private upload (API)
    playlist: Playlist
    webhook: WebhookEndpoint
    subsonic_passwords: dict = field(default_factory=dict)  # session actor -> their Subsonic password

    def subsonic_auth(self, actor: str) -> str:
        """The Subsonic credentials ``actor`` would send: their own, a partner key as ``apiKey``, or none."""
        if actor in self.users:
            return f"u={self.users[actor].username}&p={self.subsonic_passwords[actor]}"
        if actor.startswith("key:"):
            return f"apiKey={self.keys[actor]}"
        return ""


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    olive = UserFactory(username="olive")
    users = {
        "owner": olive,
        "other": UserFactory(username="otto"),
        "editor": make_editor("edith"),
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    a, b = create_partner("Label A"), create_partner("Label B")
    keys = {f"key:{s.value}": issue_key(a, name=s.value, scopes=[s.value]).secret for s in Scope}
    keys["key:B-all"] = issue_key(b, name="all", scopes=[s.value for s in Scope]).secret
    track = TrackFactory(title="SECRET-olive-track", owner=olive, visibility=Visibility.PRIVATE)
    partner_track = TrackFactory(title="SECRET-partner-track", owner=a.user, visibility=Visibility.PRIVATE)
    playlist = Playlist.objects.create(
        owner=olive, name="SECRET-olive-playlist", strategy="mood", model_version="v", saved=True
    )
    ListenerProfile.objects.get_or_create(user=olive)
    webhook = WebhookEndpoint.objects.create(partner=a, url="https://a.example/SECRET-hook", secret="s")
    # The music map of one version holding both private tracks (the layout covers every embedded track,
    # visible or not: serving it must filter them).
    points = [[track.pk, 0.25, 0.25, "calm", []], [partner_track.pk, 0.75, 0.75, "calm", []]]
    MusicMap.objects.create(
        model_version="v", layout="pca", points=points, track_count=2, computed_at=timezone.now()
    )
    passwords = {actor: reset_password(subsonic_credential(user)) for actor, user in users.items()}
    return World(users, keys, track, partner_track, playlist, webhook, passwords)


def client_for(world: World, actor: str) -> Client:
    client = Client(raise_request_exception=False)
    if actor in world.users:
        client.force_login(world.users[actor])
    elif actor.startswith("key:"):
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.keys[actor]}"
    return client


def _row(owner=DENY, superuser=None, editor=DENY, keys=None, **others) -> dict:
    """A table row: every caller DENY unless named (superuser defaults to what the owner gets)."""
    row = dict.fromkeys(ACTORS, DENY) | {
        "owner": owner,
        "superuser": owner if superuser is None else superuser,
    }
    row["editor"] = editor
    row |= keys or {}
    row |= {k.replace("_", ":"): v for k, v in others.items()}
    return row


LISTING = dict.fromkeys(ACTORS, HIDE) | {"owner": OK, "superuser": OK}
READ_A = {"key:catalog:read": OK}
SESSIONS_ONLY = dict.fromkeys(ACTORS, DENY) | dict.fromkeys(SESSION_ACTORS[1:], OK)
# Subsonic listings: every Subsonic user gets an answer, without what is not theirs.
SUBSONIC_LISTING = dict.fromkeys(ACTORS, DENY) | dict.fromkeys(SESSION_ACTORS[1:], HIDE) | {"owner": OK}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # formatted with the world's ids ({track}, {ptrack}, {playlist}, {hook}) and {auth}
    secret: str | None  # formatted too: {subsonic_password} is the owner's
    expect: dict
    data: dict | None = None
    unchanged: str | None = None  # a check that a refused write changed nothing


CASES = [
    # --- listener pages (web) -------------------------------------------------------------------------
    Case("track page", "get", "/tracks/{track}/", "SECRET-olive-track", _row(OK)),
    Case("track audio", "get", "/tracks/{track}/audio", None, _row(OK)),
    Case(
        "track sharing", "post", "/tracks/{track}/sharing", None, _row(OK), {"visibility": "public"}, "track"
    ),
    Case("catalogue list", "get", "/", "SECRET-olive-track", LISTING),
    Case("status json", "get", "/tracks/status.json?ids={track}", "SECRET-olive-track", LISTING),
    # Seeds are scored tracks only and the factory's are unscored: this row proves only that none leaks.
    Case(
        "seed search",
        "get",
        "/mix/seeds.json?q=SECRET",
        "SECRET-olive-track",
        LISTING | {"owner": HIDE, "superuser": HIDE},
    ),
    Case("playlist page", "get", "/playlists/{playlist}/", "SECRET-olive-playlist", _row(OK, superuser=DENY)),
    Case("playlist list", "get", "/playlists/", "SECRET-olive-playlist", LISTING | {"superuser": HIDE}),
    Case(
        "playlist rename",
        "post",
        "/playlists/{playlist}/rename",
        None,
        _row(OK, superuser=DENY),
        {"name": "renamed"},
        "playlist",
    ),
    Case(
        "playlist delete",
        "post",
        "/playlists/{playlist}/delete",
        None,
        _row(OK, superuser=DENY),
        {},
        "playlist",
    ),
    Case("profile page", "get", "/profile/", "olive", LISTING | {"superuser": HIDE}),
    Case("profile export", "get", "/profile/export.json", '"olive"', LISTING | {"superuser": HIDE}),
    Case(
        "signal on a private track",
        "post",
        "/signals",
        None,
        _row(OK, superuser=DENY),
        {"track": "{track}", "kind": "like", "playlist": ""},
        "events",
    ),
    Case(
        "signal naming another's playlist",
        "post",
        "/signals",
        None,
        _row(OK, superuser=DENY),
        {"track": "{track}", "kind": "like", "playlist": "{playlist}"},
        "events",
    ),
    # --- admin ----------------------------------------------------------------------------------------
    Case(
        "admin track change",
        "get",
        "/admin/catalog/track/{track}/change/",
        "SECRET-olive-track",
        _row(DENY, superuser=OK),
    ),
    Case(
        "admin track list",
        "get",
        "/admin/catalog/track/",
        "SECRET-olive-track",
        _row(DENY, superuser=OK, editor=HIDE),
    ),
    Case(
        "admin playlist change",
        "get",
        "/admin/recommender/playlist/{playlist}/change/",
        "SECRET-olive-playlist",
        _row(DENY, superuser=OK),
    ),
    Case("admin profiles", "get", "/admin/recommender/listenerprofile/", "olive", _row(DENY, superuser=OK)),
    # --- partner API ----------------------------------------------------------------------------------
    Case("api: listener's private track", "get", "/api/v1/tracks/{track}", "SECRET-olive-track", _row(OK)),
    Case(
        "api: partner's private track",
        "get",
        "/api/v1/tracks/{ptrack}",
        "SECRET-partner-track",
        _row(DENY, superuser=OK, keys=READ_A),
    ),
    # The factory's track has no features row: 404 for partner A too, so this row proves only refusals.
    Case(
        "api: partner's features",
        "get",
        "/api/v1/audio-features/{ptrack}",
        None,
        _row(DENY, superuser=DENY),
    ),
    Case(
        "api: similar to partner's track",
        "get",
        "/api/v1/tracks/{ptrack}/similar",
        None,
        _row(DENY, superuser=OK, keys=READ_A),
    ),
    Case(
        "api: track list",
        "get",
        "/api/v1/tracks",
        "SECRET-partner-track",
        _row(HIDE, superuser=OK, editor=HIDE, keys=READ_A | {"key:B-all": HIDE}, other=HIDE),
    ),
    Case(
        "api: webhook",
        "get",
        "/api/v1/webhooks/{hook}",
        "SECRET-hook",
        _row(DENY, keys={"key:catalog:write": OK}),
    ),
    Case(
        "api: webhook list",
        "get",
        "/api/v1/webhooks",
        "SECRET-hook",
        _row(DENY, keys={"key:catalog:write": OK, "key:B-all": HIDE}),
    ),
    # --- music map and words (text to mood) -----------------------------------------------------------
    Case("map points", "get", "/map/points.json", "SECRET-olive-track", LISTING),
    Case(
        "map region",
        "post_json",
        "/map/region.json",
        "SECRET-olive-track",
        LISTING,
        {"polygon": [[0, 0], [1, 0], [1, 1], [0, 1]]},
    ),
    # Reading a sentence holds nobody's data: open to all on the map page, to listeners on the mix page.
    Case("words read", "get", "/words/read.json?text=calm+but+hopeful", None, dict.fromkeys(ACTORS, OK)),
    Case("mix words", "post", "/mix/words.json", None, SESSIONS_ONLY, {"text": "calm but hopeful"}),
    # --- Subsonic API ---------------------------------------------------------------------------------
    Case(
        "subsonic: song", "get", "/rest/getSong?f=json&id=tr-{track}&{auth}", "SECRET-olive-track", _row(OK)
    ),
    Case("subsonic: stream", "get", "/rest/stream?f=json&id=tr-{track}&{auth}", None, _row(OK)),
    Case("subsonic: cover", "get", "/rest/getCoverArt?f=json&id=tr-{track}&{auth}", None, _row(OK)),
    Case(
        "subsonic: search everything",
        "get",
        "/rest/search3?f=json&query=&{auth}",
        "SECRET-olive-track",
        SUBSONIC_LISTING | {"superuser": OK},
    ),
    Case(
        "subsonic: random songs",
        "get",
        "/rest/getRandomSongs?f=json&size=50&{auth}",
        "SECRET-olive-track",
        SUBSONIC_LISTING | {"superuser": OK},
    ),
    Case(
        "subsonic: star",
        "post",
        "/rest/star?f=json&id=tr-{track}&{auth}",
        None,
        _row(OK, superuser=DENY),
        {},
        "events",
    ),
    Case(
        "subsonic: private track into a new playlist",
        "post",
        "/rest/createPlaylist?f=json&name=mine&songId=tr-{track}&{auth}",
        None,
        _row(OK, superuser=DENY),
        {},
        "playlists",
    ),
    Case(
        "subsonic: playlists",
        "get",
        "/rest/getPlaylists?f=json&{auth}",
        "SECRET-olive-playlist",
        SUBSONIC_LISTING,
    ),
    Case(
        "subsonic: playlist",
        "get",
        "/rest/getPlaylist?f=json&id=pl-{playlist}&{auth}",
        "SECRET-olive-playlist",
        _row(OK, superuser=DENY),
    ),
    Case(
        "subsonic: playlist delete",
        "post",
        "/rest/deletePlaylist?f=json&id=pl-{playlist}&{auth}",
        None,
        _row(OK, superuser=DENY),
        {},
        "playlist",
    ),
    # Each listener's settings page shows their own Subsonic password, never another's.
    Case(
        "subsonic settings",
        "get",
        "/settings/subsonic/",
        "{subsonic_password}",
        dict.fromkeys(ACTORS, DENY) | dict.fromkeys(SESSION_ACTORS[2:], HIDE) | {"owner": OK},
    ),
]


def _fill(text: str, world: World, actor: str) -> str:
    return text.format(
        track=world.track.pk,
        ptrack=world.partner_track.pk,
        playlist=world.playlist.pk,
        hook=world.webhook.pk,
        auth=world.subsonic_auth(actor),
        subsonic_password=world.subsonic_passwords["owner"],
    )


def _unchanged(world: World, what: str) -> bool:
    if what == "track":
        return Track.objects.get(pk=world.track.pk).visibility == Visibility.PRIVATE
    if what == "events":
        return not ListeningEvent.objects.filter(track=world.track).exists()
    if what == "playlists":
        return list(Playlist.objects.values_list("pk", flat=True)) == [world.playlist.pk]
    playlist = Playlist.objects.filter(pk=world.playlist.pk).first()
    return playlist is not None and playlist.name == "SECRET-olive-playlist"


def _subsonic_failed(response) -> bool:
    """A Subsonic error envelope (HTTP 200 with ``status: failed``, as clients expect)."""
    if not response.get("Content-Type", "").startswith("application/json") or response.streaming:
        return False
    body = response.json()
    return isinstance(body, dict) and body.get("subsonic-response", {}).get("status") == "failed"


def _refused(response) -> bool:
    if _subsonic_failed(response):
        return True
    if response.status_code in (302, 301):
        return "login" in response["Location"] or response["Location"].rstrip("/").endswith("/admin")
    return response.status_code in (400, 401, 403, 404, 405)


CELLS = [(case, actor) for case in CASES for actor in ACTORS]


@pytest.mark.parametrize(("case", "actor"), CELLS, ids=[f"{c.name}|{a}" for c, a in CELLS])
def test_access_matrix(world, case: Case, actor: str):
    client = client_for(world, actor)
    url = _fill(case.url, world, actor)
    if case.method == "post_json":
        response = client.post(url, json.dumps(case.data), content_type="application/json")
    elif case.method == "post":
        response = client.post(url, {k: _fill(v, world, actor) for k, v in (case.data or {}).items()})
    else:
        response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    secret = case.secret and _fill(case.secret, world, actor)
    shown = secret is not None and secret.encode() in body
    expected = case.expect[actor]
    where = f"{case.name} as {actor}: {response.status_code}"
    if expected == OK:
        assert 200 <= response.status_code < 400, where
        assert not _subsonic_failed(response), f"{where}: {body[:200]!r}"
        assert case.secret is None or shown, f"{where}: the owner's data is missing"
    elif expected == HIDE:
        assert response.status_code == 200 or _refused(response), where
        assert not shown, f"{where}: shows another's private data"
    else:
        assert _refused(response), f"{where}: not refused"
        assert not shown, f"{where}: shows another's private data"
        if case.unchanged:
            assert _unchanged(world, case.unchanged), f"{where}: the refused write changed something"


def test_the_matrix_has_every_cell():
    assert len(CELLS) == len(CASES) * len(ACTORS) == len(CASES) * 10 == 400

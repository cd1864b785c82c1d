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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client

from catalog.choices import Visibility
from catalog.models import Track
from recommender.api.models import Scope, WebhookEndpoint
from recommender.api.services.keys import create_partner, issue_key
from recommender.models import ListenerProfile, Playlist
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
    secrets: dict = field(default_factory=dict)


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
    return World(users, keys, track, partner_track, playlist, webhook)


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


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str  # formatted with the world's ids: {track}, {ptrack}, {playlist}, {hook}
    secret: str | None
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
        None,
    ),
    Case(
        "signal naming another's playlist",
        "post",
        "/signals",
        None,
        _row(OK, superuser=DENY),
        {"track": "{track}", "kind": "like", "playlist": "{playlist}"},
        None,
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
]


def _fill(text: str, world: World) -> str:
    return text.format(
        track=world.track.pk, ptrack=world.partner_track.pk, playlist=world.playlist.pk, hook=world.webhook.pk
    )


def _unchanged(world: World, what: str) -> bool:
    if what == "track":
        return Track.objects.get(pk=world.track.pk).visibility == Visibility.PRIVATE
    playlist = Playlist.objects.filter(pk=world.playlist.pk).first()
    return playlist is not None and playlist.name == "SECRET-olive-playlist"


def _refused(response) -> bool:
    if response.status_code in (302, 301):
        return "login" in response["Location"] or response["Location"].rstrip("/").endswith("/admin")
    return response.status_code in (400, 401, 403, 404, 405)


CELLS = [(case, actor) for case in CASES for actor in ACTORS]


@pytest.mark.parametrize(("case", "actor"), CELLS, ids=[f"{c.name}|{a}" for c, a in CELLS])
def test_access_matrix(world, case: Case, actor: str):
    client = client_for(world, actor)
    url = _fill(case.url, world)
    data = {k: _fill(v, world) for k, v in (case.data or {}).items()}
    response = getattr(client, case.method)(url, data) if case.method == "post" else client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    shown = case.secret is not None and case.secret.encode() in body
    expected = case.expect[actor]
    where = f"{case.name} as {actor}: {response.status_code}"
    if expected == OK:
        assert 200 <= response.status_code < 400, where
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
    assert len(CELLS) == len(CASES) * len(ACTORS) == len(CASES) * 10

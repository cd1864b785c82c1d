"""Authentication as Subsonic clients do it, through py-sonic against the live server."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode

import libsonic
import pytest
from libsonic.errors import CredentialError, SonicError

from recommender.subsonic.credentials import subsonic_credential
from tests.subsonic.conftest import call, connect, connect_with_key


def test_token_auth_with_the_subsonic_password(live_server, catalogue):
    conn = connect(live_server, "ada", catalogue.password)  # py-sonic's default: md5(password + salt)
    assert conn.ping() is True
    assert conn.getLicense()["license"]["valid"] is True


def test_hex_encoded_legacy_password(live_server, catalogue):
    conn = connect(live_server, "ada", catalogue.password, legacyAuth=True)  # p=enc:<hex>
    assert conn.getMusicFolders()["musicFolders"]["musicFolder"][0]["name"] == "Moodmix"


def test_plain_password_form(live_server, catalogue):
    query = urlencode({"u": "ada", "p": catalogue.password, "v": "1.16.1", "c": "test", "f": "json"})
    with urllib.request.urlopen(f"{live_server.url}/rest/ping?{query}") as response:
        assert b'"status": "ok"' in response.read()


def test_api_key(live_server, catalogue):
    conn = connect_with_key(live_server, catalogue.api_key)
    assert conn.getLicense()["status"] == "ok"
    extensions = call(conn, "getOpenSubsonicExtensions")["openSubsonicExtensions"]
    assert {"apiKeyAuthentication", "sonicSimilarity"} <= {e["name"] for e in extensions}


def test_wrong_api_key_is_error_44(live_server, catalogue):
    conn = connect_with_key(live_server, catalogue.api_key + "x")
    with pytest.raises(SonicError, match="Invalid API key"):
        conn.getLicense()


def test_api_key_with_a_user_name_conflicts(live_server, catalogue):
    query = urlencode({"u": "ada", "apiKey": catalogue.api_key, "f": "json", "v": "1.16.1", "c": "t"})
    with urllib.request.urlopen(f"{live_server.url}/rest/ping.view?{query}") as response:
        assert b'"code": 43' in response.read()


@pytest.mark.parametrize("legacy", [False, True])
def test_wrong_password_is_error_40(live_server, catalogue, legacy):
    conn = connect(live_server, "ada", catalogue.password + "x", legacyAuth=legacy)
    with pytest.raises(CredentialError):
        conn.getLicense()


def test_account_password_never_opens_the_api(live_server, catalogue):
    conn = connect(live_server, "ada", "listen-to-this")  # the web login password of the factory
    with pytest.raises(CredentialError):
        conn.getLicense()


def test_a_listener_without_a_subsonic_password_is_refused(live_server, catalogue):
    conn = connect(live_server, "bob", "")
    with pytest.raises((CredentialError, libsonic.errors.ParameterError)):
        conn.getLicense()


def test_turning_access_off_locks_clients_out(live_server, catalogue):
    credential = subsonic_credential(catalogue.listener)
    credential.password = ""
    credential.save()
    with pytest.raises(CredentialError):
        connect(live_server, "ada", catalogue.password).getLicense()


def test_settings_page_creates_and_resets_the_password(client, catalogue):
    client.force_login(catalogue.other)
    response = client.post("/settings/subsonic/", {"action": "password"}, follow=True)
    password = subsonic_credential(catalogue.other).password
    assert password and password.encode() in response.content
    response = client.post("/settings/subsonic/", {"action": "api-key"})
    assert b"subsonic-api-key" in response.content
    assert subsonic_credential(catalogue.other).api_key_sha256


def test_token_info_names_the_key_owner(live_server, catalogue):
    conn = connect_with_key(live_server, catalogue.api_key)
    assert call(conn, "tokenInfo")["tokenInfo"]["username"] == "ada"

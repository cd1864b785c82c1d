"""Webhooks: registration, HMAC signatures, deliveries to a real local receiver, retries on a real worker."""

from __future__ import annotations

import json
import time

import pytest
from django.test import TestCase

from catalog.choices import TrackErrorCode, TrackStatus
from catalog.services.analysis import fail
from recommender.api.models import AnalysisJob, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from recommender.api.services.keys import create_partner, issue_key
from recommender.api.services.webhooks import SIGNATURE_HEADER, Attempt, attempt_delivery, sign, verify
from tests.api.receiver import receiving
from tests.factories import TrackFactory
from tests.waiting import wait_for

WEBHOOKS = "/api/v1/webhooks"


def register(api, url: str, **extra) -> dict:
    response = api.post(WEBHOOKS, {"url": url, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def job_for(partner, *, status=TrackStatus.ANALYZING) -> AnalysisJob:
    track = TrackFactory(status=status, owner=partner.user)
    return AnalysisJob.objects.create(track=track, requested_by=partner.user, partner=partner)


@pytest.mark.django_db
class TestRegistration:
    def test_secret_is_shown_once(self, api):
        created = register(api, "https://hooks.radio.example/moodmix")
        assert created["secret"].startswith("whsec_") and created["events"] == []
        listed = api.get(WEBHOOKS).json()["results"]
        assert [row["id"] for row in listed] == [created["id"]] and "secret" not in listed[0]
        assert "secret" not in api.get(f"{WEBHOOKS}/{created['id']}").json()

    @pytest.mark.parametrize(
        "body",
        [{"url": "ftp://example.org/x"}, {"url": "not a url"}, {"url": "https://x.example", "events": ["x"]}],
    )
    def test_bad_registrations_are_400(self, api, body):
        response = api.post(WEBHOOKS, body, format="json")
        assert response.status_code == 400 and response.json()["errors"]

    def test_another_partners_webhook_is_404_and_delete(self, api, other_api):
        created = register(api, "https://hooks.radio.example/a")
        assert other_api.get(f"{WEBHOOKS}/{created['id']}").status_code == 404
        assert other_api.delete(f"{WEBHOOKS}/{created['id']}").status_code == 404
        assert api.delete(f"{WEBHOOKS}/{created['id']}").status_code == 204
        assert not WebhookEndpoint.objects.exists()


def test_signature_verifies_and_rejects_tampering_and_staleness():
    body = b'{"event":"analysis.succeeded"}'
    header = sign("whsec_abc", body, 1_700_000_000)
    assert verify("whsec_abc", body, header, now=1_700_000_100)
    assert not verify("whsec_abc", body + b" ", header, now=1_700_000_100)
    assert not verify("whsec_other", body, header, now=1_700_000_100)
    assert not verify("whsec_abc", body, header, now=1_700_009_999)
    assert not verify("whsec_abc", body, "garbage", now=1_700_000_100)


@pytest.mark.django_db
def test_analysis_end_creates_a_signed_delivery_that_the_receiver_verifies(partner, api, monkeypatch):
    queued = []
    monkeypatch.setattr("recommender.api.tasks.enqueue_delivery", queued.append)
    with receiving(status=200) as receiver:
        secret = register(api, receiver.url)["secret"]
        job = job_for(partner)
        with TestCase.captureOnCommitCallbacks(execute=True):
            fail(job.track_id, TrackErrorCode.UNDECODABLE, "no")
        delivery = WebhookDelivery.objects.get()
        assert queued == [delivery.pk] and delivery.event == "analysis.failed"
        assert attempt_delivery(delivery.pk) is Attempt.DONE
    headers, body = receiver.requests[0]
    assert verify(secret, body, headers[SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["event"] == "analysis.failed" and payload["data"]["job"]["id"] == str(job.pk)
    assert payload["data"]["track"]["error_code"] == "undecodable"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.last_status_code == 200
    deliveries = api.get(f"{WEBHOOKS}/{delivery.endpoint_id}/deliveries").json()["results"]
    assert deliveries[0]["status"] == "succeeded" and deliveries[0]["attempts"] == 1


@pytest.mark.django_db
def test_endpoints_only_get_events_they_asked_for_and_listener_jobs_send_none(partner, api, monkeypatch):
    monkeypatch.setattr("recommender.api.tasks.enqueue_delivery", lambda pk: None)
    register(api, "https://hooks.radio.example/ok", events=["analysis.succeeded"])
    job = job_for(partner)
    with TestCase.captureOnCommitCallbacks(execute=True):
        fail(job.track_id, TrackErrorCode.SILENT, "silent")
    assert not WebhookDelivery.objects.exists()


@pytest.fixture
def fast_retries(monkeypatch):
    """Small backoff for the worker process (it reads the environment when it starts)."""
    monkeypatch.setenv("MOODMIX_WEBHOOK_BACKOFF_S", "0.2")
    monkeypatch.setenv("MOODMIX_WEBHOOK_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("MOODMIX_WEBHOOK_TIMEOUT_S", "2")


@pytest.fixture
def worker(fast_retries, request):
    return request.getfixturevalue("celery_worker_process")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_then_retries_a_failing_receiver_and_records_it_failed(worker):
    partner = create_partner("Retry Radio")
    issue_key(partner, name="k", scopes=["catalog:write"])
    with receiving(status=200) as good, receiving(status=503) as bad:
        WebhookEndpoint.objects.create(partner=partner, url=good.url, secret="whsec_good")
        WebhookEndpoint.objects.create(partner=partner, url=bad.url, secret="whsec_bad")
        job = job_for(partner)
        fail(job.track_id, TrackErrorCode.TIMEOUT, "slow")  # commits; the announcement queues two deliveries

        def settled():
            rows = list(WebhookDelivery.objects.select_related("endpoint"))
            return rows if len(rows) == 2 and all(r.status != DeliveryStatus.PENDING for r in rows) else None

        rows = {row.endpoint.url: row for row in wait_for(settled, timeout=60)}
        time.sleep(0.5)  # nothing more may arrive once the failure is recorded
        assert len(good.requests) == 1 and len(bad.requests) == 3
    assert rows[good.url].status == DeliveryStatus.SUCCEEDED and rows[good.url].attempts == 1
    failed = rows[bad.url]
    assert failed.status == DeliveryStatus.FAILED and failed.attempts == 3
    assert failed.last_status_code == 503 and failed.last_error == "HTTP 503"
    for headers, body in bad.requests:
        assert verify("whsec_bad", body, headers[SIGNATURE_HEADER])
    job.refresh_from_db()
    assert job.final_status == "failed"

from recommender.api.models.jobs import AnalysisJob, IdempotencyRecord, JobStatus
from recommender.api.models.listeners import PartnerListener
from recommender.api.models.partners import APIKey, Partner, Scope
from recommender.api.models.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "APIKey",
    "AnalysisJob",
    "DeliveryStatus",
    "IdempotencyRecord",
    "JobStatus",
    "Partner",
    "PartnerListener",
    "Scope",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]

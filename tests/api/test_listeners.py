"""Partner-managed listeners: the mapping the events/profile endpoints will resolve through."""

from __future__ import annotations

import pytest

from recommender.api.models import PartnerListener
from recommender.api.services.listeners import find_listener, listener_for

pytestmark = pytest.mark.django_db


def test_a_listener_gets_one_private_account_per_partner(partner, other_partner):
    first = listener_for(partner, "user-42")
    assert listener_for(partner, "user-42") == first
    assert not first.user.has_usable_password() and first.user.username == f"p{partner.pk}-user-42"
    theirs = listener_for(other_partner, "user-42")
    assert theirs.user != first.user  # the same id at another partner is another person
    assert find_listener(other_partner, "user-43") is None
    assert PartnerListener.objects.count() == 2


@pytest.mark.parametrize("external_id", ["", "has space", "semi;colon", "x" * 129, "a/b", "trailing\n"])
def test_invalid_external_ids_are_refused(partner, external_id):
    with pytest.raises(ValueError):
        listener_for(partner, external_id)
    assert not PartnerListener.objects.exists()

import pytest
from django.urls import reverse

from claims.models import ExternalFactCheck

pytestmark = pytest.mark.django_db


def test_imported_fact_checks_are_listed_and_searchable_but_not_editable(admin_client):
    fact_check = ExternalFactCheck.objects.create(
        source_key="x:1", claim_reviewed="Bleach cures the flu.", rating="False", outlet="Checker"
    )
    url = reverse("admin:claims_externalfactcheck_changelist")
    page = admin_client.get(url, {"q": "bleach"}).content.decode()
    assert "Bleach cures the flu." in page
    assert admin_client.get(reverse("admin:claims_externalfactcheck_add")).status_code == 403
    change = reverse("admin:claims_externalfactcheck_change", args=[fact_check.pk])
    admin_client.post(change, {"claim_reviewed": "Edited"})
    fact_check.refresh_from_db()
    assert fact_check.claim_reviewed == "Bleach cures the flu."

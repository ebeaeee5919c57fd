import pytest
from django.contrib.auth import get_user_model

from claims.models import Article, AuditEvent
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
BODY = "The council approved 12 new bus lines on Monday."


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123456789")
    client.force_login(user)
    return client


def test_an_article_added_in_the_admin_goes_through_the_ingest_service(admin_client):
    response = admin_client.post(
        "/admin/claims/article/add/",
        {"title": "Buses", "body": BODY, "url": "", "source": "Gazette", "author": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.status == Article.Status.QUEUED and article.content_hash
    assert AuditEvent.objects.filter(article=article, data__via="admin").exists()


def test_the_admin_refuses_a_duplicate_article_on_the_form(admin_client):
    admin_client.post("/admin/claims/article/add/", {"title": "Buses", "body": BODY})
    response = admin_client.post("/admin/claims/article/add/", {"title": "Again", "body": BODY})
    assert response.status_code == 200
    assert "already stored" in response.content.decode()
    assert Article.objects.count() == 1


@pytest.mark.parametrize("model", ["article", "claim", "verdict", "auditevent"])
def test_every_model_has_an_admin_list(admin_client, model):
    ClaimFactory()
    assert admin_client.get(f"/admin/claims/{model}/").status_code == 200

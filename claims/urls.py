from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("claims/<int:claim_id>/dismiss/", views.claim_dismiss, name="claim-dismiss"),
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.article_create, name="article-create"),
    path("articles/<int:article_id>/", views.article_detail, name="article"),
]

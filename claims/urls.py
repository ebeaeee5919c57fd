from django.urls import path

from claims import blind_review_views, views, views_matching

app_name = "claims"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("claims/next/", views.claim_next, name="claim-next"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("claims/<int:claim_id>/take/", views.claim_take, name="claim-take"),
    path("claims/<int:claim_id>/renew/", views.claim_renew, name="claim-renew"),
    path("claims/<int:claim_id>/skip/", views.claim_skip, name="claim-skip"),
    path("claims/<int:claim_id>/release/", views.claim_release, name="claim-release"),
    path("claims/<int:claim_id>/dismiss/", views.claim_dismiss, name="claim-dismiss"),
    path(
        "claims/<int:claim_id>/reuse/<int:match_id>/",
        views_matching.claim_reuse_verdict,
        name="claim-reuse",
    ),
    path("claims/<int:claim_id>/assign/", views.claim_assign, name="claim-assign"),
    path("claims/<int:claim_id>/unassign/", views.claim_unassign, name="claim-unassign"),
    path("claims/<int:claim_id>/priority/", views.claim_priority, name="claim-priority"),
    path("reviews/", views.reviews, name="reviews"),
    path("verdicts/<int:verdict_id>/review/", views.verdict_review, name="verdict-review"),
    path(
        "verdicts/<int:verdict_id>/blind-review/",
        blind_review_views.verdict_review_blind,
        name="verdict-review-blind",
    ),
    path("verdicts/<int:verdict_id>/settle/", views.verdict_settle, name="verdict-settle"),
    path("my-work/", views.my_work, name="my-work"),
    path("stats/", views.stats, name="stats"),
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.article_create, name="article-create"),
    path("articles/<int:article_id>/", views.article_detail, name="article"),
    path("articles/<int:article_id>/status/", views.article_status, name="article-status"),
]

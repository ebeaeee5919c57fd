"""/api/v1/: every URL name and path of the API (the app namespace is "api")."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims.api import articles, bulk, claims, exports, history, matching, verdicts, webhooks
from claims.api.errors import endpoint_not_found

app_name = "api"

urlpatterns = [
    path("articles/", articles.ArticlesApi.as_view(), name="articles"),
    path("articles/bulk", bulk.ArticleBulkApi.as_view(), name="articles-bulk"),
    path("articles/<int:article_id>/", articles.ArticleDetailApi.as_view(), name="article"),
    path("claims/", claims.ClaimListApi.as_view(), name="claims"),
    path("claims/<int:claim_id>/", claims.ClaimDetailApi.as_view(), name="claim"),
    path("claims/<int:claim_id>/history/", history.ClaimHistoryApi.as_view(), name="claim-history"),
    path(
        "claims/<int:claim_id>/matches/",
        matching.ClaimMatchesApi.as_view(),
        name="claim-matches",
    ),
    path("match/", matching.MatchApi.as_view(), name="match"),
    path("verdicts/", verdicts.VerdictsApi.as_view(), name="verdicts"),
    path("verdicts/<int:verdict_id>/", verdicts.VerdictDetailApi.as_view(), name="verdict"),
    path(
        "verdicts/<int:verdict_id>/claimreview/",
        verdicts.VerdictClaimReviewApi.as_view(),
        name="verdict-claimreview",
    ),
    path("export/verdicts.csv", exports.VerdictCsvExportApi.as_view(), name="export-csv"),
    path("export/verdicts.ndjson", exports.VerdictNdjsonExportApi.as_view(), name="export-ndjson"),
    path(
        "export/claimreview.ndjson",
        exports.ClaimReviewNdjsonExportApi.as_view(),
        name="export-claimreview-ndjson",
    ),
    path(
        "export/claimreview.json",
        exports.ClaimReviewFeedExportApi.as_view(),
        name="export-claimreview",
    ),
    path("webhooks/", webhooks.WebhooksApi.as_view(), name="webhooks"),
    path("webhooks/<int:webhook_id>/", webhooks.WebhookDetailApi.as_view(), name="webhook"),
    path(
        "webhooks/<int:webhook_id>/deliveries/",
        webhooks.WebhookDeliveriesApi.as_view(),
        name="webhook-deliveries",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs page is HTML only: an OPTIONS would need a JSON renderer it does not have.
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", http_method_names=["get", "head"]),
        name="docs",
    ),
    # Last: any other address under the API is a JSON 404, not the site's HTML page.
    re_path(r"^", endpoint_not_found),
]

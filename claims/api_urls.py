from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims import api

app_name = "api"

urlpatterns = [
    path("articles/", api.ArticlesApi.as_view(), name="articles"),
    path("articles/<int:article_id>/", api.ArticleDetailApi.as_view(), name="article"),
    path("claims/", api.ClaimListApi.as_view(), name="claims"),
    path("claims/<int:claim_id>/", api.ClaimDetailApi.as_view(), name="claim"),
    path("verdicts/", api.VerdictsApi.as_view(), name="verdicts"),
    path("verdicts/<int:verdict_id>/", api.VerdictDetailApi.as_view(), name="verdict"),
    path(
        "verdicts/<int:verdict_id>/claimreview/",
        api.VerdictClaimReviewApi.as_view(),
        name="verdict-claimreview",
    ),
    path("export/verdicts.csv", api.VerdictCsvExportApi.as_view(), name="export-csv"),
    path("export/verdicts.ndjson", api.VerdictNdjsonExportApi.as_view(), name="export-ndjson"),
    path(
        "export/claimreview.ndjson",
        api.ClaimReviewNdjsonExportApi.as_view(),
        name="export-claimreview-ndjson",
    ),
    path(
        "export/claimreview.json",
        api.ClaimReviewFeedExportApi.as_view(),
        name="export-claimreview",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other address under the API is a JSON 404, not the site's HTML page.
    re_path(r"^", api.endpoint_not_found),
]

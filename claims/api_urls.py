from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims import api

app_name = "api"

urlpatterns = [
    path("articles/", api.ArticlesApi.as_view(), name="articles"),
    path("articles/<int:article_id>/", api.ArticleDetailApi.as_view(), name="article"),
    path("claims/", api.ClaimListApi.as_view(), name="claims"),
    path("claims/<int:claim_id>/", api.ClaimDetailApi.as_view(), name="claim"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

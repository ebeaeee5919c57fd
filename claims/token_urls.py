"""Pages where users manage their own API tokens."""

from django.urls import path

from claims import token_views

app_name = "tokens"

urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("<int:token_id>/revoke/", token_views.token_revoke, name="revoke"),
]

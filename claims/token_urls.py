"""Pages where users manage their own API tokens."""

from django.urls import URLPattern

app_name = "tokens"

urlpatterns: list[URLPattern] = []

"""Users: editors look reviewers up (to assign claims to them); only superusers manage users."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from claims import selectors
from claims.roles import EDITOR_PERMISSION

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DeskUserAdmin(UserAdmin):
    """Editors may look reviewers up (to assign claims to them); only superusers manage users."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(EDITOR_PERMISSION)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        users = super().get_queryset(request)
        if request.user.has_perm("auth.view_user"):
            return users
        return users.filter(pk__in=selectors.reviewer_list().values("pk"))

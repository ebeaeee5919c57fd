"""Django's model backend with a user's permissions read in one query instead of two: every page
checks a permission, so every request paid for both."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q


class ModelBackendOneQuery(ModelBackend):
    """The same permissions as ``ModelBackend`` (the user's own and their groups'; all of them for
    an active superuser; none for an inactive or anonymous user), from one query per request."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                own = get_user_model().user_permissions.through.objects.filter(user=user_obj)
                grouped = Group.permissions.through.objects.filter(group__user=user_obj)
                perms = perms.filter(
                    Q(pk__in=own.values("permission_id"))
                    | Q(pk__in=grouped.values("permission_id"))
                )
            rows = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache  # type: ignore[no-any-return]

"""The one-query permission read gives exactly what Django's ModelBackend gives."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.auth_backends import ModelBackendOneQuery
from tests.factories import EditorFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request loads it: no permission cache from an earlier read."""
    return type(user).objects.get(pk=user.pk)


def both(user):
    return (
        ModelBackendOneQuery().get_all_permissions(fresh(user)),
        ModelBackend().get_all_permissions(fresh(user)),
    )


def test_a_reviewer_gets_the_groups_permissions_and_nothing_else():
    ours, django = both(ReviewerFactory())
    assert ours == django
    assert "claims.add_verdict" in ours
    assert "claims.change_article" not in ours


def test_own_and_group_permissions_are_merged_without_duplicates():
    user = EditorFactory()
    extra = Permission.objects.get(codename="delete_article")
    shared = Permission.objects.get(codename="add_verdict")
    user.user_permissions.add(extra, shared)
    second = Group.objects.create(name="second desk")
    second.permissions.add(shared, Permission.objects.get(codename="view_logentry"))
    user.groups.add(second)
    ours, django = both(user)
    assert ours == django
    assert {"claims.delete_article", "claims.add_verdict", "admin.view_logentry"} <= ours


def test_a_user_with_no_group_and_no_permission_gets_none():
    assert both(UserFactory()) == (set(), set())


def test_an_active_superuser_gets_every_permission():
    ours, django = both(UserFactory(is_superuser=True))
    assert ours == django
    assert len(ours) == Permission.objects.count()


def test_an_inactive_user_gets_none_even_as_a_superuser():
    user = UserFactory(is_superuser=True, is_active=False)
    assert both(user) == (set(), set())


def test_the_permissions_are_read_once_per_user_object():
    user = fresh(ReviewerFactory())
    backend = ModelBackendOneQuery()
    with CaptureQueriesContext(connection) as queries:
        assert backend.has_perm(user, "claims.add_verdict")
        assert not backend.has_perm(user, "claims.delete_claim")
        backend.get_all_permissions(user)
    assert len(queries.captured_queries) == 1

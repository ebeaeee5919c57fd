"""factory_boy factories. Use ``.build()`` where a test needs no database."""

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from rest_framework.test import APIClient

from claims import services
from claims.models import ApiToken, Article, Claim, Rating, Verdict
from claims.roles import roles_ensure
from claims.text import content_hash


def role(name: str) -> Group:
    # Transactional tests flush the groups the migration made; bring them back.
    roles_ensure(group_model=Group, permission_model=Permission)
    return Group.objects.get(name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


class ReviewerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"reviewer{n}")

    @factory.post_generation
    def in_group(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.groups.add(role("Reviewer"))


class EditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"editor{n}")

    @factory.post_generation
    def in_group(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.groups.add(role("Editor"))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(
        lambda n: (
            f"The city council approved {n + 3} new bus lines on Monday, the mayor said.\n\n"
            f"Officials told reporters that ridership rose by {n + 10} percent in 2023."
        )
    )
    content_hash = factory.LazyAttribute(lambda o: content_hash(o.body))
    source = "Test Gazette"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory, status=Article.Status.SPLIT)
    position = factory.Sequence(lambda n: n)
    start = 0
    end = factory.LazyAttribute(lambda o: o.article.body.index("\n"))
    sentence = factory.LazyAttribute(lambda o: o.article.body[o.start : o.end])
    text = factory.LazyAttribute(lambda o: o.sentence)
    kind = Claim.Kind.QUANTITY
    score = 0.8


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    reviewer = factory.SubFactory(ReviewerFactory)
    rating = Rating.MOSTLY_TRUE
    explanation = "Council minutes confirm the vote."


class PublishedVerdictFactory(VerdictFactory):
    published_at = factory.LazyFunction(timezone.now)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token made by the service; the one-time key is on ``token.key``."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(ReviewerFactory)
    name = factory.Sequence(lambda n: f"Token {n}")
    read_only = True

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: Any) -> ApiToken:
        token, key = services.api_token_create(**kwargs)
        token.key = key  # type: ignore[attr-defined]
        return token


def token_api_client(user: Any = None, *, read_only: bool = False) -> APIClient:
    """An API client authenticated by a new token of ``user`` (a new reviewer if none)."""
    token = ApiTokenFactory(user=user or ReviewerFactory(), read_only=read_only)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client

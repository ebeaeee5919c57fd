"""``manage.py demo_setup``: a demo reviewer and the sample article, for local evaluation only."""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from claims import services
from claims.models import Article
from claims.roles import ROLES, roles_ensure

SAMPLE_ARTICLE = Path(__file__).resolve().parents[2] / "sample" / "patriot-article.txt"


class Command(BaseCommand):
    help = "Create the demo reviewer (new random password each run) and load the sample article."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="demo")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_setup creates a known account; it runs only with DEBUG on.")
        username = options["username"]
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = True
        user.save()
        roles_ensure(group_model=Group, permission_model=Permission)
        user.groups.add(*Group.objects.filter(name__in=list(ROLES)))

        body = SAMPLE_ARTICLE.read_text(encoding="utf-8")
        try:
            article = services.article_create(
                title="Biden finalizing plans to send Patriot missile system to Ukraine",
                body=body,
                source="Sample article",
                ingested_by=user,
                via="demo",
            )
            note = f"loaded the sample article (#{article.pk})"
        except services.DuplicateArticle as exc:
            note = f"the sample article is already stored (#{exc.existing.pk})"
        count = Article.objects.count()
        self.stdout.write(f"Demo login: {username} / {password}   ({note}; {count} articles)")

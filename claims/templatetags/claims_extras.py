from typing import Any

from django import template
from django.conf import settings

from claims.url_paths import url_path, url_path_plain

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def second_review_required() -> bool:
    return bool(settings.FACTCHECK_REQUIRE_SECOND_REVIEW)


@register.filter
def path_of(pk: int, name: str) -> str:
    """``{{ claim.pk|path_of:"claims:claim" }}``: ``{% url "claims:claim" claim.pk %}`` for a row
    of a long list, without a reverse() per row."""
    return url_path(name, int(pk))


@register.simple_tag
def path(name: str) -> str:
    """``{% path "claims:queue" %}``: ``{% url "claims:queue" %}`` for a URL without arguments,
    without a reverse() on every page."""
    return url_path_plain(name)

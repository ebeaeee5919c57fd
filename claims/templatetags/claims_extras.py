from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag
def second_review_required() -> bool:
    return bool(settings.FACTCHECK_REQUIRE_SECOND_REVIEW)

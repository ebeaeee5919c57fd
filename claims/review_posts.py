"""The one way a second review posted from the reviews page is handled, seen or blind."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def review_posted(
    request: HttpRequest,
    form: Any,
    *,
    invalid: str,
    record: Any,
    agreed: str,
    differed: str,
) -> HttpResponse:
    """What both review forms (seen and blind) do with a post: check the form, call ``record``
    with its cleaned data, say how it went, and go back to the reviews page."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("claims:reviews")
    try:
        review = record(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, agreed if review.agrees else differed)
    return redirect("claims:reviews")

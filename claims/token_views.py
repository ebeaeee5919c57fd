"""A user's own API tokens: list, create (the key is shown once, in that response), revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from claims import selectors, services
from claims.models import ApiToken


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Who or what will use it, e.g. “Partner X feed”."
    )
    read_only = forms.BooleanField(
        required=False,
        initial=True,
        label="Read-only",
        help_text="Can read claims and published verdicts, but change nothing. Leave on for "
        "partners.",
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    created, key = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            created, key = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenCreateForm()
    tokens = selectors.api_token_list(user=request.user)
    response = render(
        request,
        "claims/tokens.html",
        {"form": form, "tokens": tokens, "created": created, "key": key},
        status=400 if request.method == "POST" and created is None else 200,
    )
    # The page may hold a key: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(token_id=token_id, by=request.user, user=request.user)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None
    messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect("tokens:list")

"""API tokens: created with a key shown once, revoked at once, and checked on every API request."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import ApiToken, AuditEvent
from claims.roles import ROLES
from claims.services.audit import audit_record

API_KEY_PREFIX = "fc_"
# A token's last_used_at is written at most this often, so reading the API is not a write each time.
API_TOKEN_TOUCH_SECONDS = 60


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_refuse_unless_allowed(*, user: Any) -> None:
    """Raise ``ValidationError`` unless ``user`` may have another token: a role (Reviewer,
    Editor or Partner; superusers need none) and fewer than the cap of live tokens."""
    if not user.is_superuser and not user.groups.filter(name__in=list(ROLES)).exists():
        raise ValidationError(
            f"{user} has no role (Reviewer, Editor or Partner): ask an administrator for one "
            "before creating an API token.",
            code="no_role",
        )
    cap = settings.FACTCHECK_API_MAX_TOKENS_PER_USER
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= cap:
        raise ValidationError(
            f"{user} already has {cap} live tokens, the most allowed: revoke one first.",
            code="too_many",
        )


@transaction.atomic
def api_token_create(
    *, user: Any, name: str, read_only: bool = True, by: Any = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its key, which is never stored and cannot be
    shown again. Not idempotent: each call makes another token.

    Refused for a user with no role (Reviewer, Editor or Partner; superusers need none) and past
    ``FACTCHECK_API_MAX_TOKENS_PER_USER`` live tokens."""
    name = " ".join(name.split())[:100]
    if not name:
        raise ValidationError("Name the token after who or what will use it.", code="empty")
    # The user's row is locked so two requests at once cannot both pass the cap.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    api_token_refuse_unless_allowed(user=user)
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: ApiToken._meta.get_field("prefix").max_length],
        key_hash=api_key_hash(key),
        read_only=read_only,
    )
    audit_record(
        action=AuditEvent.Action.TOKEN,
        actor=by or user,
        message=f"Created {'read-only' if read_only else 'read-write'} API token “{name}” "
        f"({token.prefix}…) for {user}",
        data={"token": token.pk, "event": "created", "user": user.pk, "read_only": read_only},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token_id: int, by: Any, user: Any = None) -> ApiToken:
    """Revoke a token; it stops working at once. Idempotent: revoking twice records it once.

    With ``user``, only that user's own token (raises ``ApiToken.DoesNotExist`` otherwise)."""
    tokens = ApiToken.objects.select_for_update().select_related("user")
    if user is not None:
        tokens = tokens.filter(user=user)
    token = tokens.get(pk=token_id)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        action=AuditEvent.Action.TOKEN,
        actor=by,
        message=f"Revoked API token “{token.name}” ({token.prefix}…) of {token.user}",
        data={"token": token.pk, "event": "revoked", "user": token.user_id},
    )
    return token


def api_token_authenticate(*, key: str, now: datetime | None = None) -> ApiToken | None:
    """The live token with this key (its user active), or None. Idempotent apart from recording
    when the token was last used, at most once a minute."""
    if not key.startswith(API_KEY_PREFIX) or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=api_key_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    stale = now - timedelta(seconds=API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        # Conditional: concurrent requests with the same token write it once.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token

"""The claim page's "Checked before" panel and its one-key "same claim: reuse this verdict"."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from claims import selectors, services
from claims.models import Claim, ClaimMatch, Verdict


def checked_before(claim: Claim) -> list[dict[str, Any]]:
    """The panel's rows: each earlier claim or imported fact-check, its score and verdict."""
    rows = []
    for match in selectors.claim_matches(claim=claim):
        verdict = selectors.match_verdict(match)
        rows.append(
            {
                "match": match,
                "entry": match.entry,
                "factcheck": match.entry.factcheck,
                "verdict": verdict,
                "reusable": verdict is not None or match.entry.factcheck is not None,
            }
        )
    # The one-key reuse ("r") takes the best match that has a verdict to reuse.
    keyed = next((row for row in rows if row["reusable"]), None)
    for row in rows:
        row["keyed"] = row is keyed
    return rows


@login_required
@permission_required("claims.add_verdict", raise_exception=True)
@require_POST
def claim_reuse_verdict(request: HttpRequest, claim_id: int, match_id: int) -> HttpResponse:
    try:
        verdict = services.verdict_reuse(
            claim_id=claim_id, match_id=match_id, reviewer=request.user
        )
    except (ClaimMatch.DoesNotExist, Verdict.DoesNotExist):
        messages.error(request, "That earlier verdict is no longer there to reuse.")
        return redirect("claims:claim", claim_id=claim_id)
    except services.ClaimHeldByOther:
        messages.error(request, "Someone else holds this claim.")
        return redirect("claims:claim", claim_id=claim_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("claims:claim", claim_id=claim_id)
    messages.success(
        request,
        f"Verdict “{verdict.get_rating_display()}” reused on claim #{claim_id}.",
    )
    # As a saved verdict does: on to the next claim. (claims.views imports this module.)
    from claims.views import _open_next

    return _open_next(request)

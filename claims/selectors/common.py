"""What several groups of reads share."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from claims.models import Article, Claim

# Hidden from the queue (and its age chart) unless asked for: nothing there to check.
HIDDEN_BY_DEFAULT_KINDS = (Claim.Kind.NOT_CHECKABLE,)

# A search uses this many words at most; each is another condition on every row scanned.
MAX_SEARCH_WORDS = 10
SEARCH_WORDS_CAPPED = (
    f"Searched for the first {MAX_SEARCH_WORDS} words only: a search takes at most "
    f"{MAX_SEARCH_WORDS} words."
)


def articles_with_claim_count(*, queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Articles annotated with ``claim_count``, computed for the rows actually read.

    A correlated subquery, not ``Count`` with GROUP BY, which would join every claim first."""
    counts = (
        Claim.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(claim_count=Coalesce(Subquery(counts), 0))

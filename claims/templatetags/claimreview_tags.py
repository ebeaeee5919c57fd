"""``{% claimreview_jsonld verdict as jsonld %}``: a published verdict's ClaimReview, ready to go
inside <script type="application/ld+json"> (see templates/claims/_claimreview_jsonld.html)."""

from django import template
from django.utils.safestring import SafeString

from claims.api import claimreview
from claims.models import Verdict

register = template.Library()


@register.simple_tag
def claimreview_jsonld(verdict: Verdict | None) -> SafeString | str:
    # Unpublished or superseded verdicts are not announced to search engines.
    if verdict is None or verdict.published_at is None or not verdict.is_current:
        return ""
    data = claimreview.claimreview_build(verdict, publisher=claimreview.Publisher.from_settings())
    return claimreview.jsonld_script_content(data)

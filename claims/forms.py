"""HTML forms: they parse and validate input; the services do the rest."""

import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from claims.html_extract import html_extract
from claims.models import Rating
from claims.services import MAX_EXPLANATION_CHARS, evidence_urls_clean, url_clean
from claims.services.idempotency import MAX_IDEMPOTENCY_KEY_CHARS
from claims.text import decode_upload, looks_like_html

ALLOWED_UPLOAD_SUFFIXES = (".txt", ".html", ".htm")


class ArticleIngestForm(forms.Form):
    title = forms.CharField(max_length=500, required=False, help_text="Left empty: the first line.")
    url = forms.CharField(
        label="URL", max_length=2000, required=False,
        help_text="Where the article was published. Given alone, the page is fetched and its "
        "main text kept.",
    )  # fmt: skip
    source = forms.CharField(label="Outlet", max_length=200, required=False)
    author = forms.CharField(max_length=200, required=False)
    published_on = forms.DateField(
        label="Published on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    body = forms.CharField(
        label="Article text", required=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Paste the text, upload a file below, or leave both empty to fetch the URL.",
    )  # fmt: skip
    file = forms.FileField(
        label="Or upload a .txt or .html file", required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_UPLOAD_SUFFIXES)}),
    )  # fmt: skip

    def clean_url(self) -> str:
        url: str = (self.cleaned_data.get("url") or "").strip()
        if url and "://" not in url:
            url = f"https://{url}"
        if url:
            url_clean(url)  # the fetcher's own parser: refused here if it could not fetch it
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body = data.get("body") or ""
        upload = data.get("file")
        if body.strip() and upload:
            raise ValidationError("Paste the text or upload a file, not both.")
        if upload:
            suffix = Path(upload.name).suffix.lower()
            if suffix not in ALLOWED_UPLOAD_SUFFIXES:
                raise ValidationError(f"“{upload.name}” is not a .txt or .html file.")
            # Read one byte more than the limit allows in UTF-8, to tell "too large" apart.
            limit = settings.FACTCHECK_MAX_ARTICLE_CHARS * 4
            if upload.size > limit:
                raise ValidationError(f"“{upload.name}” is larger than {limit:,} bytes.")
            text = decode_upload(upload.read(), name=upload.name)
            if suffix in (".html", ".htm") or looks_like_html(text):
                text = self._main_text(data, text)
            data["body"] = text
        elif body.strip() and looks_like_html(body):
            data["body"] = self._main_text(data, body)
        elif not body.strip() and not data.get("url") and "url" not in self.errors:
            raise ValidationError(
                "Paste the article text or upload a file. Or give its URL: the page is fetched."
            )
        # Only a URL: the article is stored as "fetching" and a worker fetches the page.
        data["fetch"] = not upload and not body.strip() and bool(data.get("url"))
        return data

    @staticmethod
    def _main_text(data: dict[str, Any], html: str) -> str:
        """Markup is never stored or shown: the page's main text is, as for fetched pages."""
        page = html_extract(html)
        data["title"] = data.get("title") or page.title
        data["author"] = data.get("author") or page.author
        data["published_on"] = data.get("published_on") or page.published_on
        return page.text


class VerdictForm(forms.Form):
    rating = forms.ChoiceField(choices=Rating.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(
        max_length=MAX_EXPLANATION_CHARS, widget=forms.Textarea(attrs={"rows": 5})
    )
    evidence_urls = forms.CharField(
        label="Evidence links", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One http(s) link per line.",
    )  # fmt: skip

    # A one-time token in each rendering of the form: submitting it twice (a double click, a
    # resent POST) stores one verdict.
    submission = forms.CharField(
        required=False, max_length=MAX_IDEMPOTENCY_KEY_CHARS, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4().hex

    def clean_evidence_urls(self) -> list[str]:
        raw: str = self.cleaned_data.get("evidence_urls") or ""
        # The service checks the same way; checked here too, so a bad link is a field error.
        return evidence_urls_clean(raw.splitlines())


def _optional_choice(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), str(label)) for v, label in choices]]


class QueueFilterForm(forms.Form):
    """The queue's query string. Invalid values are dropped rather than shown as errors."""

    q = forms.CharField(
        label="Search", required=False, max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "words in claim or sentence"}),
    )  # fmt: skip
    status = forms.ChoiceField(label="Status", required=False)
    kind = forms.ChoiceField(label="Kind", required=False)
    source = forms.ChoiceField(label="Outlet", required=False)
    assignee = forms.ChoiceField(label="Assignee", required=False)
    has_verdict = forms.ChoiceField(
        label="Verdict", required=False,
        choices=[("", "any"), ("yes", "has a verdict"), ("no", "no verdict")],
    )  # fmt: skip
    earlier = forms.ChoiceField(
        label="Checked before", required=False,
        choices=[("", "any"), ("yes", "has an earlier verdict"), ("no", "no earlier verdict")],
    )  # fmt: skip
    score_min = forms.FloatField(
        label="Score from", required=False, min_value=0, max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
    )  # fmt: skip
    score_max = forms.FloatField(
        label="Score to", required=False, min_value=0, max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
    )  # fmt: skip
    created_from = forms.DateField(
        label="Found from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label="Found to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    order = forms.ChoiceField(
        label="Order", required=False,
        choices=[("score", "priority, then check-worthiness"), ("newest", "newest first")],
    )  # fmt: skip
    all = forms.BooleanField(label="Show dismissed, duplicates, not checkable", required=False)

    def __init__(
        self,
        data: Any,
        *,
        statuses: Any,
        kinds: Any,
        sources: list[str],
        assignees: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        fields: Any = self.fields
        fields["status"].choices = _optional_choice(statuses, "open")
        fields["kind"].choices = _optional_choice(kinds, "checkable")
        fields["source"].choices = _optional_choice([(s, s) for s in sources], "any")
        fields["assignee"].choices = [
            ("", "anyone"), ("none", "nobody"), ("me", "me"),
            *[(str(pk), name) for pk, name in assignees],
        ]  # fmt: skip

    def values(self) -> dict[str, Any]:
        """The valid fields, with anything malformed left out."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in self.cleaned_data and name not in self.errors
        }


class AssignForm(forms.Form):
    assignee: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Assign to", empty_label=None
    )

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["assignee"]
        field.queryset = reviewers


class VerdictReviewForm(forms.Form):
    agrees = forms.TypedChoiceField(
        label="Your review", widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", "Agree: publish it"), ("no", "Disagree")],
    )  # fmt: skip
    rating = forms.ChoiceField(
        label="The rating you would give", required=False,
        choices=[("", "—"), *Rating.choices],
    )  # fmt: skip
    note = forms.CharField(
        label="Why (required when you disagree)", required=False, max_length=MAX_EXPLANATION_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class BlindReviewForm(forms.Form):
    rating = forms.ChoiceField(label="Your rating", choices=Rating.choices)
    note = forms.CharField(
        label="Why (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerdictSettleForm(forms.Form):
    rating = forms.ChoiceField(label="Rating to publish", choices=Rating.choices)
    explanation = forms.CharField(
        label="Explanation (if the rating changes)", required=False,
        max_length=MAX_EXPLANATION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

"""HTML forms: they parse and validate input; the services do the rest."""

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from claims.models import Rating
from claims.text import decode_upload, html_to_text, looks_like_html

ALLOWED_UPLOAD_SUFFIXES = (".txt", ".html", ".htm")


class ArticleIngestForm(forms.Form):
    title = forms.CharField(max_length=500, required=False, help_text="Left empty: the first line.")
    url = forms.URLField(
        label="URL", max_length=2000, required=False, assume_scheme="https",
        help_text="Where the article was published (optional).",
    )  # fmt: skip
    source = forms.CharField(label="Outlet", max_length=200, required=False)
    author = forms.CharField(max_length=200, required=False)
    published_on = forms.DateField(
        label="Published on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    body = forms.CharField(
        label="Article text", required=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Paste the text, or upload a file below.",
    )  # fmt: skip
    file = forms.FileField(
        label="Or upload a .txt or .html file", required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_UPLOAD_SUFFIXES)}),
    )  # fmt: skip

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError("Only http:// and https:// addresses.")
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
                title, text = html_to_text(text)
                data["title"] = data.get("title") or title
            data["body"] = text
        elif not body.strip():
            raise ValidationError("Paste the article text or upload a file.")
        return data


class VerdictForm(forms.Form):
    rating = forms.ChoiceField(choices=Rating.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    evidence_urls = forms.CharField(
        label="Evidence links", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One http(s) link per line.",
    )  # fmt: skip

    def clean_evidence_urls(self) -> list[str]:
        raw: str = self.cleaned_data.get("evidence_urls") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

"""Parts of the reviewer's pages that depend on nothing but their inputs, rendered once per process
and reused: the queue's filter form (a function of the query string and the filter choices) and
the blank verdict form. Django renders every form widget through templates, about 1 ms a field:
the queue's thirteen filters cost more than its fifty rows. The rows themselves are written here
in Python (``queue_rows``): the template engine spent about 0.15 ms a row on lookups and filters."""

import html
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.http import QueryDict
from django.template.defaultfilters import floatformat, truncatechars
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from claims import selectors
from claims.forms import QueueFilterForm, VerdictForm
from claims.models import Claim
from claims.text import id_from_text
from claims.url_paths import url_path_maker

# A query string is the client's to choose: at most this many distinct ones are kept per process.
MAX_CACHED_QUERIES = 256
FIELD_TEMPLATE = "claims/_field.html"
VERDICT_FIELDS_TEMPLATE = "claims/_verdict_fields.html"
# How each filter is shown beside its label (the search box says its key and takes the width).
QUEUE_FIELD_OPTIONS: dict[str, dict[str, str]] = {"q": {"key": "/", "class": "grow"}}

Query = tuple[tuple[str, tuple[str, ...]], ...]
# The queue's rows look labels up here (get_FOO_display() flattens the choices on every call).
STATUS_LABELS = dict(Claim.Status.choices)
KIND_LABELS = dict(Claim.Kind.choices)


def queue_filter_form(
    query: QueryDict, *, sources: list[str], assignees: list[tuple[int, str]]
) -> tuple[dict[str, Any], dict[str, SafeString]]:
    """The queue's filter values (valid fields only) and each filter's HTML, by field name.
    Treat both as read-only: they are shared by every request with the same query and choices."""
    names = QueueFilterForm.base_fields
    key = tuple((name, tuple(query.getlist(name))) for name in names if name in query)
    return _queue_filter_form(key, tuple(sources), tuple(assignees))


@lru_cache(maxsize=MAX_CACHED_QUERIES)
def _queue_filter_form(
    query: Query, sources: tuple[str, ...], assignees: tuple[tuple[int, str], ...]
) -> tuple[dict[str, Any], dict[str, SafeString]]:
    data = QueryDict(mutable=True)
    for name, given in query:
        data.setlist(name, list(given))
    form = QueueFilterForm(
        data,
        statuses=Claim.Status.choices,
        kinds=Claim.Kind.choices,
        sources=list(sources),
        assignees=list(assignees),
    )
    values = form.values()
    fields = {
        name: render_to_string(
            FIELD_TEMPLATE, {"field": form[name], **QUEUE_FIELD_OPTIONS.get(name, {})}
        )
        for name in form.fields
        if name not in ("all", "article")
    }
    # The check box inside its label; the hidden article id alone.
    fields["all"] = format_html("{} {}", form["all"], form["all"].label)
    fields["article"] = format_html("{}", form["article"])
    return values, fields


def queue_filters(values: dict[str, Any], *, user: Any) -> selectors.QueueFilters:
    """The filter form's values as the queue selector takes them ("me" is ``user``)."""
    assignee = values.get("assignee") or ""
    assignee_id: int | None = None
    if assignee == "none":
        assignee_id = selectors.ASSIGNEE_NOBODY
    elif assignee == "me":
        assignee_id = user.pk
    else:
        assignee_id = id_from_text(assignee)
    verdict = values.get("has_verdict")
    return selectors.QueueFilters(
        status=values.get("status") or None,
        kind=values.get("kind") or None,
        article_id=values.get("article"),
        source=values.get("source") or None,
        created_from=values.get("created_from"),
        created_to=values.get("created_to"),
        assignee_id=assignee_id,
        score_min=values.get("score_min"),
        score_max=values.get("score_max"),
        has_verdict={"yes": True, "no": False}.get(verdict or ""),
        earlier_verdict={"yes": True, "no": False}.get(values.get("earlier") or ""),
        q=(values.get("q") or "").strip() or None,
        show_hidden=bool(values.get("all")),
        order="newest" if values.get("order") == "newest" else "score",
    )


def verdict_fields(form: VerdictForm) -> SafeString:
    """The verdict form's rating, explanation and evidence fields: the blank form's once per
    process, a posted form's (with its values and errors) each time."""
    if form.is_bound:
        return _verdict_fields(form)
    return _blank_verdict_fields()


@lru_cache(maxsize=1)
def _blank_verdict_fields() -> SafeString:
    return _verdict_fields(VerdictForm())


def _verdict_fields(form: VerdictForm) -> SafeString:
    return render_to_string(
        VERDICT_FIELDS_TEMPLATE, {"form": form, "ratings": list(form["rating"])}
    )


def queue_rows(claims: Iterable[Claim]) -> SafeString:
    """The queue table's rows, each claim read as ``selectors.claim_queue`` loads it (with its
    article and assignee). Every value is escaped as the template escaped it (Django's
    ``escape`` is ``html.escape``), and numbers and titles go through the same filters
    (``floatformat``, ``truncatechars``, ``localize``)."""
    claim_path = url_path_maker("claims:claim")
    article_path = url_path_maker("claims:article")
    language = get_language()
    esc = html.escape
    rows = []
    for claim in claims:
        priority = ""
        if claim.priority:
            arrow = "▲" if claim.priority > 0 else "▼"
            priority = (
                f' <span class="priority" title="Priority {esc(str(localize(claim.priority)))}">'
                f"{arrow}</span>"
            )
        article = claim.article
        source = f"<small>{esc(article.source)}</small>" if article.source else ""
        assignee = f"<small>{esc(str(claim.assignee))}</small>" if claim.assignee else ""
        rows.append(
            "\n    <tr data-row>\n"
            f'      <td class="score">{_score_text(claim.score, language)}{priority}</td>\n'
            f'      <td class="claim-cell"><a href="{esc(claim_path(claim.pk))}" data-row-link>'
            f"{esc(claim.text)}</a></td>\n"
            f'      <td class="col-kind"><span class="kind kind-{esc(claim.kind)}">'
            f"{esc(KIND_LABELS.get(claim.kind, ''))}</span></td>\n"
            f'      <td class="col-speaker">{esc(claim.speaker)}</td>\n'
            f'      <td class="col-article"><a href="{esc(article_path(claim.article_id))}">'
            f"{esc(_title_text(article.title))}</a>{source}</td>\n"
            f'      <td><span class="badge status-{esc(claim.status)}">'
            f"{esc(STATUS_LABELS.get(claim.status, ''))}</span>{assignee}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped


def _title_text(title: str, limit: int = 50) -> str:
    """``{{ title|truncatechars:50 }}``. The filter walks every character to count the combining
    ones; a title no longer than the limit and already in NFC (what the filter returns) comes
    back unchanged, so it is returned as it is: 0.51 ms -> 0.003 ms for a page of 50 bench titles."""
    if len(title) <= limit and unicodedata.is_normalized("NFC", title):
        return title
    return str(truncatechars(title, limit))


@lru_cache(maxsize=4096)
def _score_text(score: float, language: str | None) -> str:
    """``{{ score|floatformat:2 }}`` (about 10 µs a call); the language is part of the key."""
    return str(floatformat(score, 2))

"""The export lines from ``ExportTextRow`` (PostgreSQL's ready text): the same bytes as the row
builders of ``claims.api.exports`` and ``claims.claimreview`` write from verdict objects, at a
fraction of the cost.

Each line is put together from pieces: strings through the JSON encoder's own string escaper,
the timestamps already formatted by the database, the JSON columns spliced in as PostgreSQL
wrote them. A jsonb array of strings is written exactly as ``json.dumps`` writes the list (", "
between items, the same escapes), and ``evidence_urls`` holds nothing else (the services write
it from validated strings). The rare cases that need the decoded value (a correction; CSV's
evidence list) decode it here. ``tests/claims/api/test_export_lines.py`` holds every line equal
to the builders' output on the same rows."""

import json
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from claims.claimreview import (
    SCHEMA_ORG,
    Publisher,
    claimreview_rating,
    correction_text,
)
from claims.models import CLAIMREVIEW_RATING_VALUES, Rating
from claims.selectors import ExportTextRow, json_column_value
from claims.url_paths import url_path_maker

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_guard(text: str) -> str:
    """A text cell a spreadsheet would run as a formula (CSV injection), defused with a "'"."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _permalinks(publisher: Publisher) -> Callable[[int], str]:
    """``publisher.claim_permalink`` for the rows of one response (the script prefix read once)."""
    base_url, claim_path = publisher.base_url.rstrip("/"), url_path_maker("claims:claim")
    return lambda claim_id: base_url + claim_path(claim_id)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


# What a rating shows, encoded once per export rather than once per row.
_LABELS = {rating.value: _dumps(rating.label) for rating in Rating}
_VALUES = {rating: _dumps(value) for rating, value in CLAIMREVIEW_RATING_VALUES.items()}


def ndjson_lines(rows: Iterable[ExportTextRow], *, publisher: Publisher) -> Iterator[str]:
    """``exports.ndjson_stream`` from text rows: a published verdict's row, or a withdrawn one's."""
    enc = encode_basestring
    permalink = _permalinks(publisher)
    for row in rows:
        (pk, claim_id, rating, explanation, evidence_urls, is_current, published_at, _created,
         updated_at, correction_json, superseded_by, text, kind, speaker, _is_org, article_id,
         title, url, source, author, published_on) = row  # fmt: skip
        link = permalink(claim_id)
        if published_at is None or not is_current:
            yield (
                f'{{"verdict_id": {pk}, "claim_id": {claim_id}, '
                f'"claimreview_id": {enc(link + "#claimreview")}, "withdrawn": true, '
                f'"superseded_by": {"null" if superseded_by is None else superseded_by}, '
                f'"updated_at": {enc(updated_at)}}}\n'
            )
            continue
        correction = json_column_value(correction_json) or None
        yield (
            f'{{"verdict_id": {pk}, "url": {enc(link)}, "rating": {enc(rating)}, '
            f'"rating_label": {_LABELS[rating]}, "rating_value": {_VALUES[rating]}, '
            f'"explanation": {enc(explanation)}, "evidence_urls": {evidence_urls}, '
            f'"published_at": {enc(published_at)}, "updated_at": {enc(updated_at)}, '
            f'"claim_id": {claim_id}, "claim_text": {enc(text)}, "claim_kind": {enc(kind)}, '
            f'"speaker": {enc(speaker)}, "article_id": {article_id}, '
            f'"article_title": {enc(title)}, "article_url": {_text_or_null(url)}, '
            f'"article_source": {enc(source)}, "article_author": {enc(author)}, '
            f'"article_published_on": {_text_or_null(published_on)}, '
            f'"claimreview_id": {enc(link + "#claimreview")}, '
            f'"date_modified": {enc(published_at) if correction else "null"}, '
            f'"correction": {"null" if correction is None else _dumps(correction)}}}\n'
        )


def csv_rows(rows: Iterable[ExportTextRow], *, publisher: Publisher) -> Iterator[list[str]]:
    """The cells of ``exports.csv_stream``'s rows (after its header) from text rows."""
    guard = formula_guard
    permalink = _permalinks(publisher)
    labels = {rating.value: guard(str(rating.label)) for rating in Rating}
    values = {r: "" if v is None else str(v) for r, v in CLAIMREVIEW_RATING_VALUES.items()}
    for row in rows:
        (pk, claim_id, rating, explanation, evidence_urls, _current, published_at, _created,
         updated_at, _correction_json, _superseded_by, text, kind, speaker, _is_org, article_id,
         title, url, source, author, published_on) = row  # fmt: skip
        evidence = " ".join(map(str, json_column_value(evidence_urls)))
        yield [
            str(pk), guard(permalink(claim_id)), guard(rating), labels[rating], values[rating],
            guard(explanation), guard(evidence),
            "" if published_at is None else guard(published_at), guard(updated_at),
            str(claim_id), guard(text), guard(kind), guard(speaker), str(article_id),
            guard(title), "" if url is None else guard(url), guard(source), guard(author),
            "" if published_on is None else guard(published_on),
        ]  # fmt: skip


class _RatingOnly:
    """What ``claimreview_rating`` reads of a verdict."""

    def __init__(self, rating: str) -> None:
        self.rating = rating


def claimreview_lines(
    rows: Iterable[ExportTextRow], *, publisher: Publisher, with_context: bool = True
) -> Iterator[str]:
    """``claimreview_build`` of each row as JSON text (no newline): the ClaimReview NDJSON's
    lines and the feed's items (``with_context=False``)."""
    enc = encode_basestring
    permalink = _permalinks(publisher)
    author: dict[str, str] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        author["url"] = publisher.url
    head = f'{{"@context": {_dumps(SCHEMA_ORG)}, ' if with_context else "{"
    publisher_json = _dumps(author)
    ratings = {r.value: _dumps(claimreview_rating(_RatingOnly(r.value))) for r in Rating}  # type: ignore[arg-type]
    for row in rows:
        (_pk, claim_id, rating, explanation, _evidence, _current, published_at, created_at,
         _updated, correction_json, _superseded_by, text, _kind, speaker, is_org, _article_id,
         title, url, source, author_name, published_on) = row  # fmt: skip
        if speaker:
            kind = "Organization" if is_org else "Person"
            claim_author = f', "author": {{"@type": "{kind}", "name": {enc(speaker)}}}'
        elif author_name:
            claim_author = f', "author": {{"@type": "Person", "name": {enc(author_name)}}}'
        elif source:
            claim_author = f', "author": {{"@type": "Organization", "name": {enc(source)}}}'
        else:
            claim_author = ""
        appearance = f'{{"@type": "CreativeWork", "headline": {enc(title)}'
        if url:
            appearance += f', "url": {enc(url)}'
        if source:
            appearance += f', "publisher": {{"@type": "Organization", "name": {enc(source)}}}'
        date = f', "datePublished": {enc(published_on)}' if published_on else ""
        item = f'{{"@type": "Claim"{claim_author}{date}, "appearance": {appearance}}}}}'
        link = permalink(claim_id)
        correction = json_column_value(correction_json) or {}
        published = published_at or created_at
        line = (
            f'{head}"@type": "ClaimReview", "@id": {enc(link + "#claimreview")}, '
            f'"url": {enc(link)}, "claimReviewed": {enc(text)}, "author": {publisher_json}, '
            f'"datePublished": {_dumps(correction.get("first_published_at") or published)}, '
            f'"reviewRating": {ratings[rating]}, "reviewBody": {enc(explanation)}, '
            f'"itemReviewed": {item}'
        )
        if correction:
            comment = {
                "@type": "CorrectionComment",
                "text": correction_text(correction),
                "datePublished": published,
            }
            line += f', "dateModified": {enc(published)}, "correction": {_dumps(comment)}'
        yield line + "}"

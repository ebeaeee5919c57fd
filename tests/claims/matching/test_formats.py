import json

from claims.matching.formats import parse_factchecks

CLAIMREVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checker.example/2024/bus-lines",
    "claimReviewed": "The council approved 12 new bus lines.",
    "author": {"@type": "Organization", "name": "Checker"},
    "reviewRating": {"@type": "Rating", "alternateName": "Mostly true"},
    "datePublished": "2024-03-01",
}


def test_it_reads_a_claimreview_page() -> None:
    page = (
        "<html><head><script type='application/ld+json'>"
        + json.dumps(CLAIMREVIEW)
        + "</script></head><body>…</body></html>"
    )
    [record], errors = parse_factchecks(page)
    assert errors == []
    assert record.claim_reviewed == "The council approved 12 new bus lines."
    assert record.outlet == "Checker"
    assert record.rating == "Mostly true"
    assert record.reviewed_on.isoformat() == "2024-03-01"
    assert record.source_key == "claimreview:https://checker.example/2024/bus-lines"


def test_it_reads_every_claimreview_of_a_data_feed() -> None:
    second = {**CLAIMREVIEW, "url": "https://checker.example/2", "claimReviewed": "Other."}
    feed = {
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [CLAIMREVIEW]},
            {"@type": "DataFeedItem", "item": [second]},
        ],
    }
    records, errors = parse_factchecks(json.dumps(feed))
    assert errors == []
    assert [r.claim_reviewed for r in records] == [
        "The council approved 12 new bus lines.",
        "Other.",
    ]


def test_ndjson_with_broken_lines_keeps_the_good_ones_and_names_each_bad_line() -> None:
    lines = [
        json.dumps(CLAIMREVIEW),
        "{not json",
        json.dumps({"@type": "ClaimReview", "url": "https://x.example/"}),
        json.dumps({"id": "7", "claim": "Verified claim.", "title": "A title"}),
    ]
    records, errors = parse_factchecks("\n".join(lines), default_outlet="Snopes")
    assert [r.source_key for r in records] == [
        "claimreview:https://checker.example/2024/bus-lines",
        "verified_claims:7",
    ]
    assert records[1].outlet == "Snopes"
    assert records[1].title == "A title"
    assert [e.where for e in errors] == ["line 2", "line 3"]
    assert "claimReviewed" in errors[1].reason


def test_a_page_without_claimreview_is_an_error() -> None:
    records, errors = parse_factchecks("<html><body>Nothing here</body></html>")
    assert records == []
    assert errors[0].reason == "no ClaimReview JSON-LD found"

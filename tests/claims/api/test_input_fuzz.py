"""Property-based fuzzing (hypothesis) of the API's input serializers: whatever JSON body or query
string arrives, the answer is a clean refusal (400, 404, 409, 413) or success, never a 500, and a
serializer never raises anything but its own ValidationError.

Two layers: the serializers alone (fast, many examples), and the same inputs through the endpoints
(the services and the database behind them)."""

import json
import os
from typing import Any

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claims.api.articles import ArticlesApi
from claims.api.claims import ClaimListApi
from claims.api.exports import BaseExportApi
from claims.api.verdicts import VerdictsApi
from tests.factories import ClaimFactory, token_api_client

EXAMPLES = int(os.environ.get("FACTCHECK_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as clients send it: any code point (lone surrogates, NUL, right-to-left marks included).
any_text = st.text(st.characters(), max_size=300)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)


def near(field_values: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies that name the real fields with values of any type, plus now and then a stray one."""
    return st.fixed_dictionaries({}, optional={**field_values, "unknown": json_values})


def plausible(*extra: str) -> st.SearchStrategy[Any]:
    return st.one_of(json_values, st.sampled_from(list(extra)) if extra else json_values)


ARTICLE_BODIES = near(
    {
        "title": plausible("A title"),
        "body": plausible("The council approved 12 new bus lines on Monday."),
        "url": plausible(
            "https://example.org/a", "https://example.org:99999/a", "http://[::1", "ftp://x"
        ),
        "source": plausible("Gazette"),
        "author": plausible(""),
        "published_on": plausible("2024-05-31", "2024-02-30", "99999-01-01"),
    }
)
# URL-shaped text: the validators' corners (ports past 65535, brackets, odd schemes).
URLS = st.builds(
    "{}://{}{}{}".format,
    st.sampled_from(["http", "https", "HTTPS"]) | st.sampled_from(["ftp", "javascript"]),
    st.sampled_from(["example.org", "[::1]", "xn--e1afmkfd.xn--p1ai"])
    | st.sampled_from(["[::1", "a" * 70 + ".org"]),
    st.one_of(
        st.just(""),
        st.sampled_from([0, 80, 443, 65535, 65536, 99999]).map(":{}".format),
        st.integers(min_value=0, max_value=10**6).map(":{}".format),
    ),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=30).map("/{}".format),
)
# Bodies the serializer accepts in shape, so the input reaches the service and the database.
WELL_FORMED_ARTICLES = st.fixed_dictionaries(
    {"body": st.text(min_size=1, max_size=500), "url": URLS},
    optional={
        "title": any_text,
        "source": st.text(max_size=250),
        "author": st.text(max_size=250),
        "published_on": st.dates().map(str) | st.none(),
    },
)
VERDICT_BODIES = near(
    {
        "claim": plausible(1, 2**63, -1, "1"),
        "rating": plausible("true", "false", "TRUE"),
        "explanation": plausible("Minutes.", "x" * 20_001),
        "evidence_urls": plausible(["https://example.org"], ["javascript:alert(1)"] * 21),
    }
)
QUERY_NAMES = (
    "status", "source", "updated_since", "rating", "article", "claim", "kind", "reviewer",
    "current", "published", "published_after", "published_before", "page_size", "cursor",
    "ordering", "q", "score_min", "score_max", "has_verdict", "assignee",
)  # fmt: skip
QUERIES = st.dictionaries(
    st.sampled_from(QUERY_NAMES),
    st.lists(
        st.one_of(
            st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
            st.sampled_from(["1", "0", "-1", "2024-05-31", "true", "²", "9" * 30, "", "null"]),
        ),
        min_size=1,
        max_size=2,
    ),
    max_size=5,
)
FILTERS = [
    ArticlesApi.FilterSerializer,
    ClaimListApi.FilterSerializer,
    VerdictsApi.FilterSerializer,
    BaseExportApi.FilterSerializer,
]


def query_dict(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in params.items():
        query.setlist(name, values)
    return query


# --- The serializers alone -------------------------------------------------------------------


@FUZZ
@given(body=ARTICLE_BODIES | json_values)
def test_the_article_input_serializer_only_ever_refuses_cleanly(body):
    ArticlesApi.InputSerializer(data=body).is_valid()


@FUZZ
@given(body=VERDICT_BODIES | json_values)
def test_the_verdict_input_serializer_only_ever_refuses_cleanly(body):
    VerdictsApi.InputSerializer(data=body).is_valid()


@pytest.mark.parametrize("serializer", FILTERS, ids=lambda s: s.__qualname__)
@FUZZ
@given(params=QUERIES)
def test_the_query_filters_only_ever_refuse_cleanly(serializer, params):
    serializer(data=query_dict(params)).is_valid()


# --- Through the endpoints ---------------------------------------------------------------------


@pytest.fixture
def api(db, fresh_throttles, settings):
    settings.FACTCHECK_API_THROTTLE_RATES = {"api": "100000/min", "export": "100000/min"}
    ClaimFactory()
    return token_api_client()


def _post(client, url: str, body: Any):
    return client.post(url, data=json.dumps(body), content_type="application/json")


ANSWERS = {200, 201, 400, 404, 409, 413}


@FUZZ
@given(body=WELL_FORMED_ARTICLES | ARTICLE_BODIES)
@example(body={"body": "Ridership rose 4 percent.", "url": "https://example.org:99999/"}).via(
    "the port that once gave a 500"
)
def test_posting_any_article_body_never_gives_a_500(api, body):
    # Inside the test's transaction nothing commits, so no split is ever sent.
    response = _post(api, "/api/v1/articles/", body)
    assert response.status_code in ANSWERS, response.content[:300]


@FUZZ
@given(body=VERDICT_BODIES)
def test_posting_any_verdict_body_never_gives_a_500(api, body):
    response = _post(api, "/api/v1/verdicts/", body)
    assert response.status_code in ANSWERS, response.content[:300]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/articles/", "/api/v1/claims/", "/api/v1/verdicts/", "/api/v1/export/verdicts.csv"],
)
@FUZZ
@given(params=QUERIES)
def test_any_query_string_never_gives_a_500(api, url, params):
    response = api.get(url, query_dict(params))
    assert response.status_code in ANSWERS, response.content[:300]

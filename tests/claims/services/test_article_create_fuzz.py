"""Property-based: whatever ``article_create`` is given, it stores the article or raises
``ValidationError`` (``DuplicateArticle`` and ``ArticleTooLarge`` are kinds of it), never
anything else; and what it stores keeps the body it was given, cleaned."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims import services
from claims.models import Article

pytestmark = pytest.mark.django_db

WORDS = ["Russia", "sent", "30", "tanks", "to", "Kyiv", "the", "council", "approved", "12"]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from([*WORDS, ".", "\n", "\n\n", "\u00a0", "\x00", "<b>", "😀"])).map(
        " ".join
    ),
)
urls = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.builds(
        "{}://{}{}/{}".format,
        st.sampled_from(["http", "https", "ftp", "javascript", ""]),
        st.sampled_from(["example.org", "EXAMPLE.org.", "[::1]", "xn--bcher-kva.example", ""]),
        st.sampled_from(["", ":80", ":443", ":0", ":65535", ":99999", ":abc"]),
        st.text(max_size=20),
    ),
)


class _RolledBack(Exception):
    pass


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=st.text(max_size=600),
    body=texts,
    url=urls,
    source=st.text(max_size=250),
    author=st.text(max_size=250),
    published_on=st.one_of(st.none(), st.dates(min_value=date(1, 1, 1))),
)
def test_article_create_stores_or_refuses_with_a_validation_error(
    title, body, url, source, author, published_on
):
    try:
        # Each example in its own savepoint, rolled back: no example sees another's article.
        with transaction.atomic():
            try:
                article = services.article_create(
                    title=title, body=body, url=url, source=source, author=author,
                    published_on=published_on,
                )  # fmt: skip
            except ValidationError as exc:
                assert exc.messages and all(exc.messages)
                raise _RolledBack from None
            stored = Article.objects.get(pk=article.pk)
            assert stored.body.strip() and stored.body == article.body
            assert len(stored.title) <= 500
            raise _RolledBack
    except _RolledBack:
        pass

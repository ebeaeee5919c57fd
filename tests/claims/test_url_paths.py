"""url_path_maker: one pattern's paths for many ids, the same as reverse() gives."""

from collections.abc import Iterator

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from claims.url_paths import url_path, url_path_maker, url_path_plain


@pytest.fixture(params=["/", "/desk/"])
def script_prefix(request: pytest.FixtureRequest) -> Iterator[str]:
    set_script_prefix(request.param)
    yield request.param
    clear_script_prefix()
    set_script_prefix("/")


@pytest.mark.parametrize("name", ["claims:claim", "api:verdict", "api:verdict-claimreview"])
def test_the_maker_gives_the_paths_reverse_gives(name: str, script_prefix: str) -> None:
    path = url_path_maker(name)
    for pk in (1, 7, 10, 123456789):
        assert path(pk) == reverse(name, args=[pk]) == url_path(name, pk)
        assert path(pk).startswith(script_prefix)


@pytest.mark.parametrize("name", ["claims:queue", "claims:claim-next", "admin:index", "logout"])
def test_a_path_without_arguments_is_what_reverse_gives(name: str, script_prefix: str) -> None:
    assert url_path_plain(name) == reverse(name)
    assert url_path_plain(name).startswith(script_prefix)


def test_the_path_tag_and_path_of_filter_render_what_the_url_tag_renders() -> None:
    from django.template import engines

    def render(source: str) -> str:
        return engines["django"].from_string("{% load claims_extras %}" + source).render({"pk": 42})

    assert render("{% path 'claims:queue' %}") == render("{% url 'claims:queue' %}")
    assert render('{{ pk|path_of:"claims:claim-skip" }}') == render(
        "{% url 'claims:claim-skip' pk %}"
    )

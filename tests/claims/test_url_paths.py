"""url_path_maker: one pattern's paths for many ids, the same as reverse() gives."""

from collections.abc import Iterator

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from claims.url_paths import url_path, url_path_maker


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

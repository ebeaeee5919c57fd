import pytest
from django.core.management import CommandError, call_command

from claims.models import ArchiveEntry, ClaimMatch
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

LONG = "The city council approved twelve new bus lines for the northern districts on Monday."


def test_it_backfills_in_batches_prints_a_summary_and_a_second_run_has_nothing_to_do(capsys):
    claims = [ClaimFactory(article=ArticleFactory(), text=LONG) for _ in range(3)]
    call_command("match_backfill", "--batch-size", "2", "--no-progress")
    out = capsys.readouterr().out
    # The second matches the first; the third both before it.
    assert "embedded 3 claims of 3 articles, stored 3 matches; 0 claims left" in out
    assert ArchiveEntry.objects.count() == 3
    assert ClaimMatch.objects.count() == 3
    assert not ClaimMatch.objects.filter(claim=claims[0]).exists()
    for claim in claims[1:]:
        claim.refresh_from_db()
        assert claim.duplicate_of == claims[0]
    call_command("match_backfill", "--no-progress")
    assert "nothing to backfill" in capsys.readouterr().out


def test_limit_stops_after_that_many_batches_and_says_what_is_left(capsys):
    for _ in range(3):
        ClaimFactory(article=ArticleFactory(), text=LONG)
    call_command("match_backfill", "--batch-size", "1", "--limit", "2", "--no-progress")
    assert "1 claims left (run again to go on)" in capsys.readouterr().out
    call_command("match_backfill", "--no-progress")
    assert ArchiveEntry.objects.count() == 3


@pytest.mark.parametrize("flag", ["--batch-size", "--limit"])
def test_a_batch_size_or_limit_below_one_is_refused(flag):
    with pytest.raises(CommandError, match=f"{flag} must be at least 1"):
        call_command("match_backfill", flag, "0", "--no-progress")


def test_entries_of_an_earlier_encoder_are_embedded_again_once(capsys):
    from claims.matching.encoder import sentence_encoder
    from claims.models import ArchiveVector

    claim = ClaimFactory(article=ArticleFactory(), text=LONG)
    call_command("match_backfill", "--no-progress")
    entry = ArchiveEntry.objects.get(claim=claim)
    stored = bytes(ArchiveVector.objects.get(entry=entry).embedding)
    ArchiveEntry.objects.filter(pk=entry.pk).update(encoder_version="an-older-encoder")
    ArchiveVector.objects.filter(entry=entry).update(embedding=b"\0" * len(stored))
    call_command("match_backfill", "--no-progress")
    assert "embedded 1 entries again" in capsys.readouterr().out
    entry.refresh_from_db()
    assert entry.encoder_version == sentence_encoder().version
    assert bytes(ArchiveVector.objects.get(entry=entry).embedding) == stored
    call_command("match_backfill", "--no-progress")
    assert "again" not in capsys.readouterr().out

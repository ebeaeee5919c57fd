"""The matching archive: fact-checks imported from other outlets, one archive entry per stored
claim or imported fact-check (with its full-text vector and embedding), and the matches found for
each claim. Imported by ``claims.models``."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from claims.models import Claim


class ExternalFactCheck(models.Model):
    """A fact-check published by another outlet, imported for matching; never sent out as ours."""

    # Where it came from and its id there ("claimreview:<url>", "verified_claims:<id>"): an
    # import run twice stores each fact-check once.
    source_key = models.CharField(max_length=600, unique=True, editable=False)
    claim_reviewed = models.TextField()
    title = models.TextField(blank=True)
    rating = models.CharField(max_length=200, blank=True, help_text="The outlet's own label.")
    outlet = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = "external fact-check"

    def __str__(self) -> str:
        return f"{self.outlet or 'external'}: {self.claim_reviewed[:70]}"


class ArchiveEntry(models.Model):
    """One searchable item of the matching archive: a stored claim or an imported fact-check.

    Holds the text the lexical search reads (``search``: a tsvector on PostgreSQL; an FTS5 table
    keyed by this row's id on SQLite) and the sentence embedding the re-ranker reads."""

    claim = models.OneToOneField(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="archive_entry"
    )
    factcheck = models.OneToOneField(
        ExternalFactCheck,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="archive_entry",
    )
    text = models.TextField()
    title = models.TextField(blank=True)
    encoder_version = models.CharField(max_length=64)
    search = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, factcheck__isnull=True)
                | Q(claim__isnull=True, factcheck__isnull=False),
                name="archive_entry_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ArchiveVector(models.Model):
    """An entry's sentence embeddings, kept apart so the full-text ranking reads narrow rows."""

    entry = models.OneToOneField(
        ArchiveEntry, primary_key=True, on_delete=models.CASCADE, related_name="vector"
    )
    # float16 unit vectors of the text and of the title (zeros when no title), 2 x 384 values.
    embedding = models.BinaryField()

    def __str__(self) -> str:
        return f"vector of entry {self.entry_id}"


class ClaimMatch(models.Model):
    """An earlier archive entry that a claim probably restates, found when the claim was embedded."""

    class Tier(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        LINKED = "linked", "Linked as duplicate"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matches")
    entry = models.ForeignKey(ArchiveEntry, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    # Cosine similarity of the two sentence embeddings, -1 .. 1.
    similarity = models.FloatField()
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.SUGGESTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "entry"], name="claim_match_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} ~ entry {self.entry_id} ({self.similarity:.2f})"

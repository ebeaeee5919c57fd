"""Names shared by the extraction modules: claim kinds, the spaCy labels they look for, and the
verbs that report speech."""

KIND_QUANTITY = "quantity"
KIND_COMPARISON = "comparison"
KIND_EVENT = "event"
KIND_ATTRIBUTION = "attribution"
KIND_NOT_CHECKABLE = "not_checkable"

# Entity labels that name something a fact-checker can look up.
CHECKABLE_ENTITY_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART"}
)
# Entity labels that can name a speaker: a named speaker makes "X said that Y" checkable itself.
SPEAKER_ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
COMPARATIVE_TAGS = frozenset({"JJR", "JJS", "RBR", "RBS"})
BE_FORMS = frozenset({"be", "is", "was", "are", "were", "’s", "'s", "’re", "'re", "’m", "'m"})

# Lemmas of verbs that report what someone said: "X said (that) Y", "Y, officials told CNN".
# Their subject is the speaker (``attribution``), and a frame that only cites a source is looked
# through to the claim it reports (``heads``).
REPORTING_VERBS = frozenset(
    {
        "say", "tell", "announce", "report", "claim", "state", "confirm", "deny", "add",
        "post", "write", "describe", "estimate", "warn", "insist", "argue", "reveal", "admit",
        "tweet", "note", "explain", "suggest", "acknowledge", "stress", "assert", "declare",
        "allege", "caution", "testify", "recall", "remark",
    }
)  # fmt: skip
# Verbs whose subject speaks, but whose content is a commitment or a forecast rather than a
# reported fact. ``attribution`` names their speaker; the claim keeps the frame ("we promised
# that ..."), so that ``kinds`` can tell a promise, which no evidence settles, from a report.
PROMISING_VERBS = frozenset({"promise", "vow", "pledge", "predict"})

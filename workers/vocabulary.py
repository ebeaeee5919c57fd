"""Names shared by the extraction modules: claim kinds and the spaCy labels they look for."""

KIND_QUANTITY = "quantity"
KIND_COMPARISON = "comparison"
KIND_EVENT = "event"
KIND_ATTRIBUTION = "attribution"
KIND_NOT_CHECKABLE = "not_checkable"

# Entity labels that name something a fact-checker can look up.
CHECKABLE_ENTITY_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART"}
)
COMPARATIVE_TAGS = frozenset({"JJR", "JJS", "RBR", "RBS"})

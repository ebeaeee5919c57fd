import numpy as np

from claims.matching.encoder import sentence_encoder
from claims.matching.lexical import search_terms


def test_embeddings_are_unit_vectors_and_restatements_are_closer_than_other_claims() -> None:
    vectors = sentence_encoder().encode(
        [
            "The council approved twelve new bus lines on Monday.",
            "On Monday the city council voted for 12 new bus routes.",
            "Inflation fell to two percent last year.",
        ]
    )
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[1] > 0.75
    assert vectors[0] @ vectors[2] < 0.5


def test_a_batch_gives_nearly_the_same_vectors_as_one_text_at_a_time() -> None:
    texts = ["A short one.", "Another one.", "A much longer sentence, alone in its batch."]
    encoder = sentence_encoder()
    batched = encoder.encode(texts)
    single = np.stack([encoder.encode([t])[0] for t in texts])
    # int8 activations share a scale per batch: close, not bit-identical.
    assert ((batched * single).sum(axis=1) > 0.98).all()
    assert np.array_equal(batched[2], single[2])


def test_search_terms_drop_links_handles_and_function_words() -> None:
    assert search_terms("RT @someone: The US sent 30 tanks https://t.co/x") == [
        "usa", "sent", "30", "tanks",
    ]  # fmt: skip

from tests.workers._nlp import ARTICLE, GOLD
from workers.extraction.duplicates import claim_fingerprint, find_duplicate_pairs, similarity

PARAGRAPHS = [line.strip() for line in ARTICLE.splitlines() if line.strip()]


def test_it_links_the_repeated_flag_sentence_despite_us_and_american() -> None:
    first, second = GOLD["duplicates"][0]
    i = next(n for n, p in enumerate(PARAGRAPHS) if p.startswith(first))
    j = next(n for n, p in enumerate(PARAGRAPHS) if p.startswith(second) and n != i)
    assert find_duplicate_pairs(PARAGRAPHS) == [(min(i, j), max(i, j))]


def test_near_but_different_sentences_from_the_article_are_not_linked() -> None:
    negatives = [
        (
            "We are grateful for their support, but it is not enough.",
            "It’s a hint – it’s not enough.",
        ),
        (
            "Ukraine has called on the US to send the advanced long-range air defense system.",
            "The US has been sending Ukraine mid-range defensive National Advanced Surface-to-Air Missile Systems in recent months.",
        ),
        (
            "The US has previously sent Patriot batteries to NATO allies such as Poland.",
            "In recent years, the US has sent Patriot missiles to Saudi Arabia and Iraq.",
        ),
    ]
    for a, b in negatives:
        assert find_duplicate_pairs([a, b]) == [], (a, b, similarity(a, b))


def test_different_numbers_or_a_negation_make_a_different_claim() -> None:
    assert similarity("The US sent 30 tanks to Poland.", "The US sent 40 tanks to Poland.") == 0.0
    assert (
        similarity("Poland sent tanks to Ukraine.", "Poland has not sent tanks to Ukraine.") == 0.0
    )
    assert (
        similarity("The US sent 30 tanks to Poland.", "The U.S. sent thirty tanks to Poland") == 1.0
    )


def test_country_names_and_demonyms_share_a_fingerprint() -> None:
    prints = {
        claim_fingerprint(text)
        for text in (
            "American leaders",
            "US leaders",
            "U.S. leaders",
            # "the leaders of the United States" puts the words in another order: another
            # fingerprint (which keeps word order), still a restatement by ``similarity``.
        )
    }
    assert len(prints) == 1
    assert claim_fingerprint("It was handed to us") != claim_fingerprint("It was handed to the US")


def test_a_fingerprint_is_its_own_fingerprint() -> None:
    for text in PARAGRAPHS:
        fingerprint = claim_fingerprint(text)
        assert fingerprint
        assert claim_fingerprint(fingerprint) == fingerprint
        assert similarity(text, fingerprint) == 1.0


def test_each_repeat_is_paired_with_every_earlier_copy_in_order() -> None:
    # Eight copies of each paragraph: every copy restates all the earlier ones.
    texts = [p for _ in range(8) for p in PARAGRAPHS]
    pairs = set(find_duplicate_pairs(texts))
    n = len(PARAGRAPHS)
    for k in range(1, 8):
        assert (0, k * n) in pairs
    assert all(i < j for i, j in pairs)


def _brute_force_pairs(texts: list[str], threshold: float = 0.8) -> list[tuple[int, int]]:
    return [
        (i, j)
        for j in range(len(texts))
        for i in range(j)
        if similarity(texts[i], texts[j]) >= threshold
    ]


def test_the_indexed_search_finds_exactly_the_pairs_comparing_all_would() -> None:
    import random

    rng = random.Random(7)
    texts = list(PARAGRAPHS)
    # Near copies: a word dropped, a word repeated, two words swapped, a number changed.
    for paragraph in PARAGRAPHS:
        words = paragraph.split()
        if len(words) < 4:
            continue
        k = rng.randrange(len(words))
        texts.append(" ".join(words[:k] + words[k + 1 :]))
        texts.append(" ".join(words + [words[k]]))
        a, b = rng.sample(range(len(words)), 2)
        words[a], words[b] = words[b], words[a]
        texts.append(" ".join(words))
    rng.shuffle(texts)
    expected = _brute_force_pairs(texts)
    assert len(expected) > 50
    assert find_duplicate_pairs(texts) == expected


def test_swapping_who_did_what_to_whom_makes_a_different_claim() -> None:
    assert claim_fingerprint("Russia attacked Ukraine") != claim_fingerprint(
        "Ukraine attacked Russia"
    )
    assert similarity("Russia attacked Ukraine.", "Ukraine attacked Russia.") == 0.0
    assert find_duplicate_pairs(["Russia attacked Ukraine.", "Ukraine attacked Russia."]) == []


def test_words_that_only_move_still_restate_the_claim() -> None:
    assert similarity("In 2019 the US sent 30 tanks.", "The US sent 30 tanks in 2019.") == 1.0
    assert similarity("US leaders met.", "The leaders of the US met.") == 1.0
    assert claim_fingerprint("Russia attacked Ukraine") == claim_fingerprint(
        "Russia has attacked Ukraine."
    )

from tests.workers._nlp import ARTICLE, GOLD
from workers.extraction.duplicates import claim_fingerprint, find_restatements, similarity

PARAGRAPHS = [line.strip() for line in ARTICLE.splitlines() if line.strip()]


def test_it_links_the_repeated_flag_sentence_despite_us_and_american() -> None:
    first, second = GOLD["duplicates"][0]
    i = next(n for n, p in enumerate(PARAGRAPHS) if p.startswith(first))
    j = next(n for n, p in enumerate(PARAGRAPHS) if p.startswith(second) and n != i)
    expected: list[int | None] = [None] * len(PARAGRAPHS)
    expected[max(i, j)] = min(i, j)
    assert find_restatements(PARAGRAPHS) == expected


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
        assert find_restatements([a, b]) == [None, None], (a, b, similarity(a, b))


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


def test_each_repeat_points_at_the_first_copy() -> None:
    # Eight copies of each paragraph: every copy restates the first one, never another copy.
    texts = [p for _ in range(8) for p in PARAGRAPHS]
    restates = find_restatements(texts)
    n = len(PARAGRAPHS)
    for k in range(1, 8):
        for i in range(n):
            first = i if restates[i] is None else restates[i]
            assert restates[k * n + i] == first


def _brute_force(texts: list[str], threshold: float = 0.8) -> list[int | None]:
    """The earliest earlier text each one restates, resolved to a first statement."""
    result: list[int | None] = []
    for j in range(len(texts)):
        i = next((i for i in range(j) if similarity(texts[i], texts[j]) >= threshold), None)
        result.append(i if i is None or result[i] is None else result[i])
    return result


def test_the_indexed_search_finds_exactly_what_comparing_all_would() -> None:
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
    expected = _brute_force(texts)
    assert sum(1 for i in expected if i is not None) > 50
    assert find_restatements(texts) == expected


# 198,000 characters of one sentence: 6,600 copies, 21.8 million pairs if every copy were
# compared with every earlier one (it took minutes and 630 MB). Grouped, it is one look-up each.
TANKS = "Russia sent 30 tanks to Kyiv."


def test_thousands_of_copies_of_one_sentence_all_point_at_the_first() -> None:
    assert find_restatements([TANKS] * 6_600) == [None] + [0] * 6_599


def test_thousands_of_distinct_near_copies_are_compared_a_bounded_number_of_times() -> None:
    # Different numbers: no two are the same claim, and all share their other words, so every
    # one is a candidate for every other. The cap bounds the comparisons per claim.
    texts = [f"Russia sent {n} tanks to Kyiv." for n in range(6_600)]
    assert find_restatements(texts, max_comparisons=50) == [None] * 6_600


def test_past_the_comparison_cap_a_late_restatement_goes_unlinked() -> None:
    # Ten different claims, then one the last sentence restates (not word for word).
    texts = [f"Russia sent {n} tanks to Kyiv." for n in range(10)]
    texts += ["Russia sent tanks to Kyiv.", "Russia sent tanks to Kyiv on Monday."]
    assert find_restatements(texts)[-1] == 10
    assert find_restatements(texts, max_comparisons=5)[-1] is None


def test_swapping_who_did_what_to_whom_makes_a_different_claim() -> None:
    assert claim_fingerprint("Russia attacked Ukraine") != claim_fingerprint(
        "Ukraine attacked Russia"
    )
    assert similarity("Russia attacked Ukraine.", "Ukraine attacked Russia.") == 0.0
    assert find_restatements(["Russia attacked Ukraine.", "Ukraine attacked Russia."]) == [
        None,
        None,
    ]


def test_words_that_only_move_still_restate_the_claim() -> None:
    assert similarity("In 2019 the US sent 30 tanks.", "The US sent 30 tanks in 2019.") == 1.0
    assert similarity("US leaders met.", "The leaders of the US met.") == 1.0
    assert claim_fingerprint("Russia attacked Ukraine") == claim_fingerprint(
        "Russia has attacked Ukraine."
    )

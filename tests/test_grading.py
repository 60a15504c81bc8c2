"""tpmdrill.grading: the rules of rubric matching, the score, the suggestion, and
properties that must hold for any answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpmdrill.decks import RubricPoint
from tpmdrill.errors import TpmdrillError
from tpmdrill.grading import (
    MAX_ANSWER_CHARS,
    RATINGS,
    Grade,
    PointVerdict,
    grade,
    is_typo,
    score_points,
    stem,
    suggest_rating,
    words,
)


def point(*keywords: str, id: str = "p", min_hits: int = 1, weight: float = 1.0, required: bool = False) -> RubricPoint:
    return RubricPoint(id, f"point {id}", keywords, min_hits, weight, required)


def verdict(answer: str, *keywords: str, min_hits: int = 1) -> PointVerdict:
    return grade([point(*keywords, min_hits=min_hits)], answer).points[0]


def hits(answer: str, *keywords: str, min_hits: int = 1) -> bool:
    return verdict(answer, *keywords, min_hits=min_hits).hit


# --- normalising -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "keyword"),
    [
        ("a write through cache", "write-through"),
        ("WRITE-THROUGH", "write through"),
        ("end to end tests", "end-to-end test"),
        ("http 2", "HTTP/2"),
        ("HTTP2 everywhere", "HTTP/2"),
        ("a naïve loop", "naive"),
        ("pubsub topics", "pub/sub"),
    ],
)
def test_case_punctuation_and_hyphens_fold(answer: str, keyword: str) -> None:
    assert hits(answer, keyword)


def test_words_split_on_punctuation_and_between_letters_and_digits() -> None:
    assert words("HTTP/2, end-to-end; p99") == ["http", "2", "end", "to", "end", "p", "99"]


# --- inflections ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("caches", "cache"),
        ("caching", "cached"),
        ("replicated", "replicate"),
        ("replication", "replicating"),
        ("partitions", "partition"),
        ("partitioned", "partitioning"),
        ("paginate", "pagination"),
        ("normalisation", "normalize"),
        ("retries", "retry"),
        ("queued", "queue"),
        ("logging", "log"),
        ("availability", "available"),
        ("consistency", "consistent"),
        ("tolerance", "tolerant"),
        ("encryption", "encrypt"),
        ("indices", "index"),
        ("vertices", "vertex"),
        ("hypotheses", "hypothesis"),
        ("analyses", "analysis"),
        ("devices", "device"),  # -ices is a Latin plural only in a listed few words
        ("services", "service"),
    ],
)
def test_inflections_share_a_stem(one: str, other: str) -> None:
    assert stem(one) == stem(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("cash", "cache"), ("shared", "shard"), ("scale", "stale"), ("rest", "reset"), ("consists", "consistent")],
)
def test_different_words_keep_different_stems(one: str, other: str) -> None:
    assert stem(one) != stem(other)


# --- typos ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "written"),
    [
        ("availability", "availablity"),
        ("throughput", "throughtput"),
        ("replication", "replicaton"),
        ("replication", "replciation"),
        ("consensus", "concensus"),
        ("schema", "shcema"),
        ("sharding", "shardng"),
        ("cache", "cahce"),
        ("latency", "latancy"),
        ("database", "databse"),
    ],
)
def test_typos_in_long_words_match(keyword: str, written: str) -> None:
    assert is_typo(keyword, written)
    assert hits(f"we use {written} here", keyword)


@pytest.mark.parametrize(
    ("keyword", "written"),
    [
        ("cache", "cash"),
        ("reset", "rest"),
        ("token", "taken"),
        ("shard", "shared"),
        ("shard", "share"),
        ("stale", "scale"),
        ("replica", "replicate"),
        ("pointer", "pointed"),
        ("deduplicate", "duplicate"),
        ("model", "modal"),
        ("compute", "commute"),
        # one letter apart, but not by a slip of the finger or of spelling
        ("interval", "internal"),
        ("complex", "complete"),
        ("content", "context"),
        ("consent", "content"),
        ("instance", "instant"),
        ("percentile", "percentage"),
        ("customer", "customization"),
        ("primary", "primacy"),
    ],
)
def test_short_or_real_word_neighbours_do_not_match(keyword: str, written: str) -> None:
    assert not hits(f"we use {written} here", keyword)


def test_numbers_and_acronyms_never_fuzzy_match() -> None:
    assert not hits("port 4041", "4040")
    assert not hits("use HTTP", "HTTPS")
    assert hits("use HTTPS", "HTTPS")


# --- whole words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "answer"),
    [
        ("CAP", "capacity planning"),
        ("TTL", "settle the bill"),
        ("ack", "the backlog grows"),
        ("404", "port 4040"),
        ("API", "rapid growth"),
        ("graph", "GraphQL"),
        ("log", "a blog post"),
    ],
)
def test_keywords_never_match_inside_longer_words(keyword: str, answer: str) -> None:
    assert not hits(answer, keyword)


def test_short_keywords_match_as_whole_words_and_plurals() -> None:
    assert hits("the CAP theorem", "CAP")
    assert hits("short ttls", "TTL")
    assert hits("acks are batched", "ack")
    assert hits("return 404s", "404")


# --- multi-word keywords ------------------------------------------------------------------------


def test_phrases_match_across_small_changes_of_word_order() -> None:
    assert hits("a queue for dead letters", "dead-letter queue")
    assert hits("limit the rate of calls", "rate limiting")
    assert hits("messages are queued", "message queue")


def test_phrases_need_all_their_words_close_together_in_one_clause() -> None:
    assert not hits("the message queue went dead", "dead-letter queue")
    assert not hits("strong consistency and hashing of ids", "consistent hashing")
    assert not hits("we encrypt in transit; the rest is plain", "encryption at rest")
    assert not hits("the error rate stayed within our limits", "rate limiting")
    assert not hits("every write goes through the queue", "write-through")


def test_compounds_match_written_closed_or_open() -> None:
    assert hits("fail over to the standby", "failover")
    assert hits("rolled back the deploy", "rollback")
    assert hits("a writethrough cache", "write-through")
    assert not hits("back to the end", "backend")


# --- concepts, min_hits, negation ----------------------------------------------------------------


def test_min_hits_counts_distinct_concepts_not_alternatives() -> None:
    keywords = ("rider|passenger", "driver", "ride|trip")
    assert verdict("riders and passengers", *keywords).concepts == 1
    assert not hits("riders and passengers", *keywords, min_hits=2)
    assert hits("passengers book trips", *keywords, min_hits=2)


def test_a_negated_mention_still_discusses_the_point() -> None:
    assert hits("we would not add a cache", "cache")


def test_matched_words_are_as_written_in_order_and_distinct() -> None:
    found = verdict("Caches help. A queue for dead letters; more caches, CACHES.", "cache", "dead-letter queue")
    assert found.matched == ("Caches", "queue for dead letters")
    assert found.concepts == 2


# --- score and suggestion ------------------------------------------------------------------------


def test_score_is_the_weighted_share_of_points_hit() -> None:
    rubric = [point("cache", id="a", weight=3), point("queue", id="b"), point("shard", id="c")]
    assert grade(rubric, "a cache and a queue").score == pytest.approx(0.8)
    assert score_points(rubric, {"a": True}) == pytest.approx(0.6)
    assert score_points(rubric, {}) == 0.0
    assert score_points([], {}) == 0.0


def test_suggestion_thresholds_and_caps() -> None:
    plain = {"required_missed": False, "stuffing": False}
    assert [suggest_rating(s, **plain) for s in (0.0, 0.29, 0.3, 0.54, 0.55, 0.94, 0.95, 1.0)] == [
        "again", "again", "hard", "hard", "good", "good", "easy", "easy",
    ]
    assert suggest_rating(1.0, required_missed=True, stuffing=False) == "hard"
    assert suggest_rating(0.1, required_missed=True, stuffing=False) == "again"
    assert suggest_rating(1.0, required_missed=False, stuffing=True) == "again"


def test_a_missed_required_point_caps_at_hard() -> None:
    rubric = [point("cache", id="a", weight=9), point("shard", id="b", required=True)]
    result = grade(rubric, "we explain how the cache is filled and when it is emptied")
    assert result.score == pytest.approx(0.9)
    assert result.suggested_rating == "hard"


def test_a_bare_list_of_terms_is_flagged_and_suggests_again() -> None:
    rubric = [point("cache", id="a"), point("shard", id="b"), point("queue", id="c")]
    stuffed = grade(rubric, "cache, shard, queue, caching, sharding")
    assert stuffed.stuffing and stuffed.flags == ("keyword-list",)
    assert stuffed.score == 0.0  # it covers no point, though it names them all
    assert stuffed.points[0].found == ("cache",)
    assert stuffed.suggested_rating == "again"
    explained = grade(
        rubric,
        "We put a cache in front of the database so that reads stay fast, split the users "
        "table into one shard per region, and move slow work onto a queue for the workers.",
    )
    assert not explained.stuffing
    assert explained.suggested_rating == "easy"


NOTES_ANSWER = ("Cache before DB -> reads fast, hit rate ~90%. Users table split: one shard per region, "
                "keyed by user id. Slow work -> queue, workers drain, retries w/ backoff.")
PROSE_ANSWER = ("We put a cache in front of the database so that reads stay fast, split the users "
                "table into one shard per region, and move slow work onto a queue for the workers.")


def test_complete_notes_are_flagged_and_held_at_good() -> None:
    rubric = [point("cache", id="a"), point("shard", id="b"), point("queue", id="c")]
    notes = grade(rubric, NOTES_ANSWER)
    assert notes.flags == ("notes",) and notes.score == 1.0 and notes.held_by_notes
    assert notes.suggested_rating == "good"
    prose = grade(rubric, PROSE_ANSWER)
    assert prose.flags == () and prose.suggested_rating == "easy"


def test_short_answers_and_lists_are_not_notes() -> None:
    rubric = [point("shard", id="a")]
    assert grade(rubric, "Sixteen shards, two replicas each.").flags == ()
    assert grade(rubric, "shard, cache, queue, replica, CDN, load balancer").flags == ("keyword-list",)


def test_the_notes_cap_only_lowers_easy() -> None:
    assert suggest_rating(1.0, required_missed=False, stuffing=False, notes=True) == "good"
    assert suggest_rating(0.6, required_missed=False, stuffing=False, notes=True) == "good"
    assert suggest_rating(0.4, required_missed=False, stuffing=False, notes=True) == "hard"
    assert suggest_rating(1.0, required_missed=True, stuffing=False, notes=True) == "hard"


# --- bad input --------------------------------------------------------------------------------------


def test_an_empty_answer_scores_zero() -> None:
    result = grade([point("cache")], "")
    assert result == Grade(0.0, "again", (PointVerdict("p", False, (), 0, missing=("cache",)),), ())
    assert grade([point("cache")], "  \n\t ").score == 0.0


def test_an_enormous_answer_is_refused_clearly() -> None:
    with pytest.raises(TpmdrillError, match="too long"):
        grade([point("cache")], "cache " * 1_000_000)
    assert grade([point("cache")], ("cache " * MAX_ANSWER_CHARS)[:MAX_ANSWER_CHARS]).score == 1.0


def test_rubric_variants_are_compiled_once_per_rubric() -> None:
    from tpmdrill.grading.matcher import compile_points

    rubric = (point("cache|caching", "TTL"),)
    grade(rubric, "a")
    before = compile_points.cache_info().hits
    grade(rubric, "b")
    assert compile_points.cache_info().hits == before + 1


# --- properties ---------------------------------------------------------------------------------------

KEYWORDS = [
    "cache|caching", "TTL", "dead-letter queue|DLQ", "consistent hashing", "404", "availability",
    "rate limit", "shard", "write-through", "CAP", "idempotency key", "read replica",
]
VOCABULARY = [
    "cache", "caches", "Caching", "cash", "ttl", "settle", "dead", "letter", "queue", "for", "the",
    "consistent", "hashing", "and", "404", "4040", "availablity", "rate", "limit", "shard", "shared",
    "write", "through", "capacity", "CAP", "idempotency", "key", "read", "replicas", ",", ".", "-", "/",
]

rubrics = st.lists(
    st.builds(
        lambda i, keywords, weight, required: point(*keywords, id=f"p{i}", weight=weight, required=required),
        st.integers(0, 10_000),
        st.lists(st.sampled_from(KEYWORDS), min_size=1, max_size=3, unique=True),
        st.sampled_from([0.5, 1.0, 2.0, 3.0]),
        st.booleans(),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda p: p.id,
)
answers = st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=8)), max_size=40).map(" ".join)


@given(rubrics, answers)
def test_score_is_always_within_zero_and_one(rubric: list[RubricPoint], answer: str) -> None:
    result = grade(rubric, answer)
    assert 0.0 <= result.score <= 1.0
    assert result.suggested_rating in RATINGS
    assert [v.id for v in result.points] == [p.id for p in rubric]


@given(rubrics, answers, answers)
def test_appending_text_never_lowers_the_score(rubric: list[RubricPoint], answer: str, more: str) -> None:
    # Appended as a separate word: "CAP" + "acity" must not match, by the whole-word rule.
    # Appending can turn an answer into a bare list of terms, which covers no point.
    longer = grade(rubric, answer + " " + more)
    assert longer.score >= grade(rubric, answer).score or longer.flags == ("keyword-list",)


@settings(max_examples=200)
@given(rubrics, answers)
def test_changing_case_never_changes_the_score(rubric: list[RubricPoint], answer: str) -> None:
    score = grade(rubric, answer).score
    assert grade(rubric, answer.upper()).score == score
    assert grade(rubric, answer.lower()).score == score
    assert grade(rubric, answer.swapcase()).score == score


@given(
    st.floats(0, 1),
    st.floats(0, 1),
    st.booleans(),
    st.booleans(),
)
def test_the_suggestion_is_monotone_in_the_score(
    low: float, high: float, required_missed: bool, stuffing: bool
) -> None:
    low, high = sorted((low, high))
    flags = {"required_missed": required_missed, "stuffing": stuffing}
    assert RATINGS.index(suggest_rating(low, **flags)) <= RATINGS.index(suggest_rating(high, **flags))

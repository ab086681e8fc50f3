"""Sentence splitting for `briefgen quote`: every sentence it offers must pass `check` as a quote of
the text it came from, and start on the line it names."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from briefgen.sources.quotefind import sentences
from briefgen.facts.quotes import SourceText, fold

words = st.one_of(
    st.sampled_from(["Mr.", "U.S.", "No.", "Pakistan’s", "“Vision", "Asia”", "(CICA).", "2022.", "e.g.", "—", "1.5",
                     "end.", "Why?", "Yes!", "Almaty", "and", "the", "minister", "«quoted»", "…", "\u00a0"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8),
)
lines = st.lists(words, max_size=14).map(" ".join)
texts = st.lists(lines, min_size=1, max_size=12).map("\n".join)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_every_sentence_is_a_quote_of_its_text_starting_on_its_line(text):
    document = SourceText(text)
    source_lines = text.split("\n")
    for line, sentence in sentences(text):
        assert sentence == sentence.strip() and sentence
        assert fold(sentence) in document.folded
        first_word = fold(sentence).split(" ")[0]
        assert first_word in fold(source_lines[line - 1])


def test_sentences_of_hard_wrapped_text_and_headings():
    text = ("Joint statement\n"
            "The two sides reaffirmed their commitment to expand bilateral trade and agreed to\n"
            "Establish a joint working group. Mr. Khan of the U.S. Embassy attended.\n"
            "\n"
            "Next paragraph here.\n")
    assert sentences(text) == [
        (1, "Joint statement"),
        (2, "The two sides reaffirmed their commitment to expand bilateral trade and agreed to "
            "Establish a joint working group."),
        (3, "Mr. Khan of the U.S. Embassy attended."),
        (5, "Next paragraph here."),
    ]


def test_one_paragraph_a_line_is_not_joined_at_short_lines():
    long_line = "A long paragraph on one line that goes on and on. " * 6
    text = f"Also read: Foreign Ministers of Tajikistan and Pakistan meet\nRelations\n{long_line}\n"
    found = [s for _, s in sentences(text)]
    assert found[:2] == ["Also read: Foreign Ministers of Tajikistan and Pakistan meet", "Relations"]

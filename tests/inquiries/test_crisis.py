import pytest

from inquiries.crisis import CRISIS_PHRASES, has_crisis_language


@pytest.mark.parametrize("phrase", CRISIS_PHRASES)
def test_every_reviewed_phrase_is_recognised(phrase):
    assert has_crisis_language(f"Lately {phrase.upper()}, honestly.")


@pytest.mark.parametrize(
    "text",
    [
        "I have thought about suicide.",
        "Suicidal thoughts most nights",
        "sometimes I want to kill   myself",
        "I want to end\nmy life",
        "I self-harm when it gets bad",
        "Overdosed twice",
        "I don\u2019t want to live anymore",
    ],
)
def test_crisis_language_is_found_in_a_message(text):
    assert has_crisis_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "My skill myself is poor",  # "skill myself" is not "kill myself"
        "I'd like to discuss dosage",
        "Selfharmony yoga helps",
        "The suicidesquad film",
        "Pain has ended my lifelong hobby",
    ],
)
def test_ordinary_words_are_not_crisis_language(text):
    assert not has_crisis_language(text)

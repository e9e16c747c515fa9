from decimal import Decimal

import pytest
from django.urls import reverse

from pages.models import Page
from pages.readability import MIN_WORDS, grade_body, page_text, reading_grades
from pages.services import save_page
from tests.pages.factories import make_page
from tests.pages.test_admin import page_form_data

# Short words, short sentences: a picture-book text.
CHILDREN_TEXT = " ".join(
    [
        "The cat sat on the mat. It was a warm day. The sun was out.",
        "The cat saw a bird. The bird sat on a tree. The cat did not run.",
        "It just sat and looked. Then it went to sleep. The bird sang a song.",
        "A dog came by. The dog was big and brown. It did not see the cat.",
    ]
)
# Long sentences of many-syllable words: a journal abstract.
CLINICAL_TEXT = " ".join(
    [
        "Subanesthetic intravenous ketamine administration demonstrated statistically",
        "significant reductions in posttraumatic stress disorder symptomatology relative to",
        "an active psychoactive placebo comparator, although dissociative adverse effects",
        "were considerably more prevalent during the immediate postinfusion observation",
        "interval. Pharmacological antagonism of N-methyl-D-aspartate receptors and the",
        "consequent potentiation of glutamatergic neurotransmission have been hypothesized",
        "to facilitate synaptogenesis within prefrontal cortical regions implicated in",
        "emotional dysregulation and maladaptive fear-extinction processes.",
    ]
)


def grades(text):
    return reading_grades(text)


def test_a_childrens_text_grades_low_and_a_clinical_abstract_high():
    simple_fk, _ = grades(CHILDREN_TEXT)
    dense_fk, _ = grades(CLINICAL_TEXT)

    assert simple_fk <= Decimal("3")
    assert dense_fk >= Decimal("16")


def test_grades_are_decimals_rounded_to_one_place():
    fk, smog = grades(CHILDREN_TEXT * 3)

    assert fk.as_tuple().exponent == -1 and smog.as_tuple().exponent == -1


def test_smog_needs_ten_sentences_and_tiny_texts_get_no_grade():
    assert grades("Ketamine is a medicine. " * 5)[1] is None
    assert grades("Ketamine is a medicine given by trained staff. " * 12)[1] is not None
    assert grades("") == (None, None)
    assert grades("Short text. " * (MIN_WORDS // 2 - 1)) == (None, None)


def test_one_endless_sentence_stays_within_the_column():
    fk, _ = grades("extraordinarily " * 5000)

    assert fk == Decimal("99.9")


def test_plain_text_drops_markers_link_addresses_tables_pipes_and_references():
    body = (
        "## What to expect\n\n"
        "[[get-in-touch]]\n\n[[image:3]]\n\n[[crisis-lines]]\n\n"
        "- Read the [guide](https://example.com/a-very-long-address) first\n"
        "- See https://www.example.org/another\n\n"
        "| Step | Time |\n|---|---|\n| Arrive | Ten minutes |\n\n"
        "## References\n\n1. Feder A, et al. JAMA Psychiatry. 2014.\n"
    )

    text = page_text(body)

    assert text.splitlines() == [
        "What to expect.",
        "Read the guide first.",
        "See.",
        "Step Time.",
        "Arrive Ten minutes.",
    ]


def test_markers_and_urls_do_not_change_the_grade():
    prose = CHILDREN_TEXT.replace(". ", ".\n\n")
    noisy = "[[get-in-touch]]\n\n" + prose + "\n\n[[crisis-lines]]\n\n<https://example.com/x>\n"

    assert grade_body(noisy) == grade_body(prose)


def test_page_is_graded_on_save_and_regraded_when_the_body_changes(db):
    page = make_page(body=CLINICAL_TEXT)
    dense = page.reading_grade

    page.body = CHILDREN_TEXT
    save_page(page)
    page.refresh_from_db()

    assert dense > page.reading_grade
    assert make_page(slug="tiny", body="Intro.").reading_grade is None


@pytest.fixture
def dense_and_plain_pages(db):
    return (
        make_page(title="Dense", slug="dense", body=CLINICAL_TEXT),
        make_page(title="Plain", slug="plain", body=CHILDREN_TEXT),
        make_page(title="Tiny", slug="tiny", body="Intro."),
    )


def test_admin_list_flags_pages_above_the_target_in_words(admin_client, dense_and_plain_pages):
    dense, plain, _ = dense_and_plain_pages

    html = admin_client.get(reverse("admin:pages_page_changelist")).content.decode()

    assert f"{dense.reading_grade} <strong>⚠ above grade 8</strong>" in html
    assert html.count("⚠ above grade 8") == 1
    assert "not graded" in html


@pytest.mark.parametrize(
    ("choice", "titles"), [("ok", ["Plain"]), ("above", ["Dense"]), ("none", ["Tiny"])]
)
def test_admin_reading_level_filter(admin_client, dense_and_plain_pages, choice, titles):
    response = admin_client.get(reverse("admin:pages_page_changelist"), {"reading": choice})

    assert [page.title for page in response.context["cl"].result_list] == titles


def test_admin_target_follows_the_setting(admin_client, dense_and_plain_pages, settings):
    settings.PAGES_READING_GRADE_TARGET = 60

    response = admin_client.get(reverse("admin:pages_page_changelist"), {"reading": "above"})

    assert list(response.context["cl"].result_list) == []


def test_change_form_shows_both_grades_and_a_hint(admin_client, db):
    page = make_page(body="\n\n".join([CLINICAL_TEXT] * 5))
    url = reverse("admin:pages_page_change", args=[page.pk])

    html = admin_client.get(url).content.decode()

    assert f"Flesch-Kincaid grade {page.reading_grade} · SMOG {page.smog_grade}" in html
    assert "above the target of grade 8" in html
    assert "Shorter sentences and everyday words lower the grade." in html


def test_a_page_above_the_target_is_saved_not_blocked(admin_client, db):
    response = admin_client.post(
        reverse("admin:pages_page_add"), page_form_data(body=CLINICAL_TEXT)
    )

    assert response.status_code == 302
    assert Page.objects.get(slug="ketamine-for-anxiety").reading_grade_above_target


def test_preview_banner_shows_the_grade_against_the_target(admin_client, db):
    draft = make_page(status="draft", body=CLINICAL_TEXT)

    html = admin_client.get(draft.path).content.decode()

    assert f"Reading grade {draft.reading_grade}" in html
    assert "above the target of grade 8" in html


def test_public_page_never_shows_the_grade(client, db):
    page = make_page(body=CLINICAL_TEXT)

    assert "Reading grade" not in client.get(page.path).content.decode()

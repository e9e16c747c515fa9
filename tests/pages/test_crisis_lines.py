"""Crisis lines on every page that mentions suicide or self-harm (issue 25, item 15)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from pages.models import FAQ, Page
from pages.services import RowChanges, save_page
from tests.pages.factories import make_faq, make_page
from tests.pages.test_revisions import change_url, form_data_for, messages_of

# The box's own label: the footer names 988 on every page, so count boxes, not numbers.
CRISIS_BOX = 'aria-label="Crisis support"'
WHY = "This page mentions suicide or self-harm, so patients see the crisis lines near the top."
BODY_WITHOUT = "Intro.\n\n## What is PTSD?\n\nText.\n"


def html_of(client, page):
    return client.get(page.path).content.decode()


def test_page_mentioning_suicidal_thoughts_shows_crisis_lines_near_the_top(client, db):
    page = make_page(
        body="Intro.\n\n## What is PTSD?\n\nSome people have suicidal thoughts.\n\n"
        "## Treatments\n\nText.\n"
    )

    html = html_of(client, page)

    assert html.count(CRISIS_BOX) == 1
    box = html.index(CRISIS_BOX)
    # After the title and summary, before the first section of the article.
    assert html.index('<p class="lead">') < box < html.index('id="what-is-ptsd"')
    assert 'href="tel:988"' in html[box : box + 600]


def test_page_without_crisis_language_shows_no_crisis_lines(client, db):
    page = make_page(body=BODY_WITHOUT)

    assert CRISIS_BOX not in html_of(client, page)


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Ketamine and suicide risk"},
        {"summary": "What to know about self-harm and ketamine."},
        # The inquiry form's rules: any whitespace between words, typographic apostrophes.
        {"body": "Some people feel they don\u2019t want to\nlive."},
    ],
    ids=["title", "summary", "body"],
)
def test_crisis_language_anywhere_in_the_page_shows_the_lines(client, db, fields):
    page = make_page(**{"body": BODY_WITHOUT, **fields})

    assert html_of(client, page).count(CRISIS_BOX) == 1


def test_an_faq_that_mentions_self_harm_adds_the_lines_and_removing_it_removes_them(client, db):
    page = make_page(body=BODY_WITHOUT)
    faq = make_faq(page, question="What if I think about self-harm?", answer="Call 988.")

    assert html_of(client, page).count(CRISIS_BOX) == 1

    save_page(page, faqs=RowChanges(delete=[faq]))

    assert CRISIS_BOX not in html_of(client, page)


def test_similar_words_that_are_not_crisis_language_show_no_lines(client, db):
    page = make_page(body="Our team will skill myself up. Suicidepreventionmonth is a hashtag.")

    assert CRISIS_BOX not in html_of(client, page)


def test_editor_marker_and_crisis_language_show_the_box_once(client, db):
    page = make_page(
        body="Intro.\n\n## If you are having thoughts of suicide\n\n[[crisis-lines]]\n\n"
        "## Treatments\n\nText.\n"
    )

    html = html_of(client, page)

    assert html.count(CRISIS_BOX) == 1
    assert html.index(CRISIS_BOX) < html.index('id="if-you-are-having-thoughts-of-suicide"')
    # The section the editor wrote for the marker is not left empty: it keeps the numbers.
    section = html[
        html.index('id="if-you-are-having-thoughts-of-suicide"') : html.index('id="treatments"')
    ]
    assert 'href="tel:988"' in section


def test_editor_marker_on_a_page_without_crisis_language_still_shows_the_box(client, db):
    page = make_page(body="Hard times.\n\n[[crisis-lines]]\n\n## Treatments\n\nText.\n")

    html = html_of(client, page)

    assert html.count(CRISIS_BOX) == 1
    assert html.index("Hard times.") < html.index(CRISIS_BOX) < html.index('id="treatments"')


def test_staff_preview_of_an_unpublished_page_shows_the_lines(admin_client, db):
    page = make_page(status=Page.Status.DRAFT, body="Thoughts of self-harm are common.")

    assert html_of(admin_client, page).count(CRISIS_BOX) == 1


def test_draft_preview_shows_the_lines_the_draft_will_bring(admin_client, client, db):
    page = make_page(body=BODY_WITHOUT)
    make_faq(page)
    data = form_data_for(page, _save_draft="1")
    data["faqs-0-answer"] = "Tell us if you have thoughts of suicide."
    admin_client.post(change_url(page), data)

    preview = admin_client.get(reverse("admin:pages_page_draft_preview", args=[page.pk]))

    assert preview.content.decode().count(CRISIS_BOX) == 1
    assert CRISIS_BOX not in html_of(client, page)


def test_change_form_tells_the_editor_why_the_lines_show(admin_client, db):
    flagged = make_page(slug="flagged", body="Some people have suicidal thoughts.")
    plain = make_page(slug="plain", body=BODY_WITHOUT)

    assert WHY in admin_client.get(change_url(flagged)).content.decode()
    assert WHY not in admin_client.get(change_url(plain)).content.decode()


def test_saving_a_page_that_mentions_suicide_tells_the_editor_why(admin_client, db):
    page = make_page(body=BODY_WITHOUT)

    response = admin_client.post(
        change_url(page),
        form_data_for(page, body="Some people have thoughts of suicide."),
        follow=True,
    )

    assert WHY in messages_of(response)
    page.refresh_from_db()
    assert page.mentions_crisis


def test_an_faq_added_in_the_admin_is_counted_in_the_same_save(admin_client, client, db):
    page = make_page(body=BODY_WITHOUT)
    data = form_data_for(page)
    data.update(
        {
            "faqs-TOTAL_FORMS": "1",
            "faqs-0-question": "Is ketamine used after a suicide attempt?",
            "faqs-0-answer": "Sometimes.",
            "faqs-0-order": "0",
        }
    )

    response = admin_client.post(change_url(page), data, follow=True)

    assert WHY in messages_of(response)
    assert FAQ.objects.filter(page=page).count() == 1
    assert html_of(client, page).count(CRISIS_BOX) == 1


def test_refresh_pages_after_an_upgrade_flags_pages_saved_before(client, db):
    page = make_page(body="Some people have suicidal thoughts.")
    Page.objects.filter(pk=page.pk).update(mentions_crisis=False)  # as stored before
    assert CRISIS_BOX not in html_of(client, page)

    call_command("refresh_pages", verbosity=0)

    assert html_of(client, page).count(CRISIS_BOX) == 1

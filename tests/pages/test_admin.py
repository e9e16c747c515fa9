from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pages.models import FAQ, Page, PageRedirect
from tests.pages.factories import make_page


def page_form_data(**fields):
    data = {
        "title": "Ketamine for anxiety",
        "slug": "ketamine-for-anxiety",
        "parent": "",
        "summary": "What early research says.",
        "body": "## Evidence\n\nSmall studies.",
        "status": "published",
        "publish_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "publish_at_1": timezone.localtime().strftime("%H:%M:%S"),
        "reviewer": "",
        "last_reviewed": "",
        "next_review": "",
        "social_image": "",
        "navigation_title": "",
        "navigation_order": "0",
    }
    for prefix in ("faqs", "references"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(fields)
    return data


def test_changelist_shows_path_status_and_flags_overdue_reviews(admin_client, db):
    make_page(title="Fresh", slug="fresh", last_reviewed=timezone.localdate())
    make_page(title="Stale", slug="stale", last_reviewed=timezone.localdate() - timedelta(days=400))
    make_page(title="Soon", slug="soon", publish_at=timezone.now() + timedelta(days=2))

    html = admin_client.get(reverse("admin:pages_page_changelist")).content.decode()

    assert "/fresh/" in html and "/stale/" in html
    assert html.count("review overdue") == 1
    assert "Scheduled for" in html


def test_changelist_searches_by_title(admin_client, db):
    make_page(title="Ketamine for PTSD", slug="ptsd")
    make_page(title="Your first visit", slug="first-visit")

    response = admin_client.get(reverse("admin:pages_page_changelist"), {"q": "first"})

    assert list(response.context["cl"].result_list.values_list("title", flat=True)) == [
        "Your first visit"
    ]


def test_change_form_has_inlines_prepopulated_slug_and_a_preview_link(admin_client, db):
    draft = make_page(status=Page.Status.DRAFT)

    response = admin_client.get(reverse("admin:pages_page_change", args=[draft.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "faqs-TOTAL_FORMS" in html and "references-TOTAL_FORMS" in html
    assert "prepopulated_fields" in html or "data-prepopulated-fields" in html
    assert f'<a href="{draft.path}">Preview {draft.path}</a>' in html
    assert "View on site" in html


def test_admin_adds_a_page_with_an_faq(admin_client, db):
    data = page_form_data(
        **{
            "faqs-TOTAL_FORMS": "1",
            "faqs-0-question": "Is it addictive?",
            "faqs-0-answer": "It can be misused, so we give it **only in the clinic**.",
            "faqs-0-order": "1",
        }
    )

    response = admin_client.post(reverse("admin:pages_page_add"), data)

    assert response.status_code == 302
    page = Page.objects.get(path="/ketamine-for-anxiety/")
    assert FAQ.objects.get(page=page).answer_html.startswith("<p>It can be misused")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"slug": "admin"}, "slug", "is used by a fixed address of the site"),
        ({"slug": "Bad Slug"}, "slug", "lowercase letters, numbers and single hyphens"),
        ({"summary": "a" * 161}, "summary", "160 characters or fewer (it has 161)"),
    ],
)
def test_admin_form_shows_clear_validation_messages(admin_client, db, fields, field, message):
    response = admin_client.post(reverse("admin:pages_page_add"), page_form_data(**fields))

    assert response.status_code == 200
    assert any(message in error for error in response.context["adminform"].form.errors[field])


def test_admin_refuses_a_taken_path_and_a_parent_cycle(admin_client, db):
    section = make_page(title="Treatments", slug="treatments")
    child = make_page(title="PTSD", slug="ptsd", parent=section)

    taken = admin_client.post(
        reverse("admin:pages_page_add"),
        page_form_data(slug="ptsd", parent=str(section.pk)),
    )
    cycle = admin_client.post(
        reverse("admin:pages_page_change", args=[section.pk]),
        page_form_data(title="Treatments", slug="treatments", parent=str(child.pk)),
    )

    assert "already used by the page “PTSD”" in taken.context["adminform"].form.errors["slug"][0]
    assert "can't sit under itself" in cycle.context["adminform"].form.errors["parent"][0]


def test_admin_slug_change_keeps_the_old_url_working(admin_client, client, db):
    page = make_page(title="Ketamine for anxiety", slug="ketamine-for-anxiety")

    admin_client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        page_form_data(slug="ketamine-and-anxiety"),
    )

    assert PageRedirect.objects.get().old_path == "/ketamine-for-anxiety/"
    response = client.get("/ketamine-for-anxiety/")
    assert response.status_code == 301
    assert response["Location"] == "/ketamine-and-anxiety/"


def test_publish_and_unpublish_actions(admin_client, db):
    draft = make_page(status=Page.Status.DRAFT)
    url = reverse("admin:pages_page_changelist")

    admin_client.post(url, {"action": "publish_now", "_selected_action": [draft.pk]})
    assert Page.objects.published().filter(pk=draft.pk).exists()

    admin_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert not Page.objects.published().filter(pk=draft.pk).exists()


def test_change_form_gives_the_body_room_and_keeps_the_summary_small(admin_client, db):

    page = make_page()

    form = (
        admin_client.get(reverse("admin:pages_page_change", args=[page.pk]))
        .context["adminform"]
        .form
    )

    assert int(form.fields["body"].widget.attrs["rows"]) >= 25
    assert "growing-textarea" in form.fields["body"].widget.attrs["class"]
    assert int(form.fields["summary"].widget.attrs["rows"]) <= 3


def test_page_list_shows_each_address_once(admin_client, db):

    page = make_page()

    html = admin_client.get(reverse("admin:pages_page_changelist")).content.decode()

    assert html.count(f">{page.path}<") == 1
    assert f"View {page.path}" not in html

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from pages.models import REVIEW_INTERVAL, PageRevision
from tests.pages.factories import make_clinician, make_page


def mark_reviewed_url(page):
    return reverse("pages_admin:mark_reviewed", args=[page.pk])


def test_mark_as_reviewed_records_the_clinician_and_date_as_a_revision_of_its_own(
    admin_client, admin_user, db
):
    page = make_page(last_reviewed=date(2025, 1, 10), next_review=date(2026, 1, 10))
    reviewer = make_clinician(name="Dr. Sam Ortiz", credentials="MD")
    today = timezone.localdate()
    revisions_before = page.revisions.count()

    response = admin_client.post(
        mark_reviewed_url(page),
        {"reviewer": str(reviewer.pk), "reviewed_on": today.isoformat()},
        follow=True,
    )

    page.refresh_from_db()
    assert (page.reviewer, page.last_reviewed) == (reviewer, today)
    assert page.next_review == today + REVIEW_INTERVAL
    assert page.revisions.count() == revisions_before + 1
    revision = page.revisions.first()
    assert (revision.kind, revision.created_by) == (PageRevision.Kind.REVIEWED, admin_user)
    assert "Marked as reviewed by Dr. Sam Ortiz" in response.content.decode()
    history = admin_client.get(reverse("admin:pages_page_revisions", args=[page.pk]))
    assert "Medically reviewed" in history.content.decode()


def test_mark_as_reviewed_refuses_a_future_date_and_changes_nothing(admin_client, db):
    page = make_page(last_reviewed=date(2025, 1, 10))
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = admin_client.post(
        mark_reviewed_url(page),
        {"reviewer": str(page.reviewer_id), "reviewed_on": tomorrow.isoformat()},
    )

    assert response.status_code == 200
    assert "can’t be dated in the future" in response.content.decode()
    page.refresh_from_db()
    assert page.last_reviewed == date(2025, 1, 10)


def test_the_change_form_offers_mark_as_reviewed(admin_client, db):
    page = make_page()

    response = admin_client.get(reverse("admin:pages_page_change", args=[page.pk]))

    assert mark_reviewed_url(page) in response.content.decode()
    form = admin_client.get(mark_reviewed_url(page)).content.decode()
    assert 'value="Mark as reviewed"' in form


def test_staff_who_may_only_view_pages_cannot_mark_them_reviewed(client, django_user_model, db):
    from django.contrib.auth.models import Permission

    page = make_page(last_reviewed=date(2025, 1, 10))
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_page"))
    client.force_login(viewer)

    response = client.post(
        mark_reviewed_url(page),
        {"reviewer": str(page.reviewer_id), "reviewed_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 403
    page.refresh_from_db()
    assert page.last_reviewed == date(2025, 1, 10)

from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pages.models import Page, PageRevision
from pages.revisions import diff, record_revision, snapshot
from pages.services import restore_revision, save_page
from tests.pages.factories import make_faq, make_page, make_reference
from tests.pages.test_admin import page_form_data

# Form fields drop trailing whitespace, so a resave of this body changes nothing.
AS_THE_FORM_KEEPS_IT = "Intro.\n\n## Evidence\n\nText."


def change_url(page):
    return reverse("admin:pages_page_change", args=[page.pk])


def revisions_url(page):
    return reverse("admin:pages_page_revisions", args=[page.pk])


def restore_url(page, revision):
    return reverse("admin:pages_page_revision_restore", args=[page.pk, revision.pk])


def form_data_for(page, **fields):
    """The change form as an editor would submit it, with the page's FAQs as inlines."""
    data = page_form_data(
        title=page.title,
        slug=page.slug,
        parent=str(page.parent_id or ""),
        summary=page.summary,
        body=page.body,
        status=page.status,
        reviewer=str(page.reviewer_id or ""),
        publish_at_0=timezone.localtime(page.publish_at).strftime("%Y-%m-%d"),
        publish_at_1=timezone.localtime(page.publish_at).strftime("%H:%M:%S"),
        last_reviewed=str(page.last_reviewed or ""),
        next_review=str(page.next_review or ""),
    )
    faqs = list(page.faqs.all())
    data["faqs-TOTAL_FORMS"] = data["faqs-INITIAL_FORMS"] = str(len(faqs))
    for index, faq in enumerate(faqs):
        data.update(
            {
                f"faqs-{index}-id": str(faq.pk),
                f"faqs-{index}-page": str(page.pk),
                f"faqs-{index}-question": faq.question,
                f"faqs-{index}-answer": faq.answer,
                f"faqs-{index}-order": str(faq.order),
            }
        )
    data.update(fields)
    return data


def edit_in_admin(client, page, **fields):
    response = client.post(change_url(page), form_data_for(page, **fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_every_admin_save_records_who_when_and_the_faqs(admin_client, admin_user, db):
    page = make_page(title="Ketamine for PTSD")
    make_faq(page, question="Is it safe?")
    page.revisions.all().delete()  # as a page saved before revisions were kept

    edit_in_admin(admin_client, page, title="Ketamine and PTSD")
    edit_in_admin(admin_client, page, **{"faqs-0-question": "How safe is it?"})

    latest, first, baseline = PageRevision.objects.filter(page=page)
    # The content from before revisions were kept comes first, so the first edit can be undone.
    assert (baseline.created_by, baseline.content["title"]) == (None, "Ketamine for PTSD")
    assert (first.kind, first.created_by, first.content["title"]) == (
        "saved",
        admin_user,
        "Ketamine and PTSD",
    )
    assert first.content["faqs"][0]["question"] == "Is it safe?"
    assert latest.content["faqs"][0]["question"] == "How safe is it?"
    assert latest.created_at >= first.created_at


def test_a_resave_with_no_change_keeps_no_duplicate(admin_client, db):
    page = make_page(body=AS_THE_FORM_KEEPS_IT)

    edit_in_admin(admin_client, page)
    edit_in_admin(admin_client, page)

    assert page.revisions.count() == 1


def test_history_lists_revisions_with_who_and_what_changed(admin_client, db):
    page = make_page(title="Old title", body=AS_THE_FORM_KEEPS_IT)
    edit_in_admin(admin_client, page)
    edit_in_admin(admin_client, page, title="New title", body="New body.")

    response = admin_client.get(revisions_url(page))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="a"') == 2 and 'value="Compare"' in html
    assert "First revision" in html and "Title, Body" in html
    assert "admin" in html and "Restore this revision" in html


def test_history_needs_no_query_per_revision(admin_client, admin_user, db):
    page = make_page()

    def queries_for(count):
        page.revisions.all().delete()
        for number in range(count):
            record_revision(page, admin_user, content={**snapshot(page), "title": f"T{number}"})
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(revisions_url(page)).status_code == 200
        return len(queries)

    assert queries_for(1) == queries_for(3)


def test_diff_shows_changed_fields_only_and_escapes_html(db):
    page = make_page(body="Ketamine helps.")
    older = snapshot(page)
    newer = {**older, "body": "Ketamine <script>alert(1)</script> helps."}
    newer["faqs"] = [{"question": "New?", "answer": "Yes.", "order": 1}]

    changes = diff(older, newer)

    assert [change["label"] for change in changes] == ["Body", "FAQs"]
    (body,) = changes[0]["chunks"]
    assert body["before"] == "Ketamine helps."
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in str(body["after"])
    assert "<script>" not in str(body["after"])
    assert "<ins>New?" in str(changes[1]["chunks"][0]["after"])


def test_compare_view_shows_any_two_revisions_side_by_side(admin_client, db):
    page = make_page(title="First", body=AS_THE_FORM_KEEPS_IT)
    edit_in_admin(admin_client, page)
    edit_in_admin(admin_client, page, title="Second <b>bold</b>")
    newer, older = page.revisions.all()

    response = admin_client.get(
        reverse("admin:pages_page_revision_compare", args=[page.pk]),
        {"a": newer.pk, "b": older.pk},
    )

    html = response.content.decode()
    assert "<del>First</del>" in html
    assert "<ins>Second &lt;b&gt;bold&lt;/b&gt;</ins>" in html
    assert "Summary" not in html  # unchanged fields are left out


def test_compare_with_odd_ids_explains_instead_of_failing(admin_client, db):
    page, other = make_page(), make_page(title="Other", slug="other")
    record_revision(page, None)
    theirs = record_revision(other, None)
    url = reverse("admin:pages_page_revision_compare", args=[page.pk])

    odd = [{"a": "x", "b": "1"}, {"a": "²", "b": "1"}, {"a": "9" * 30, "b": "1"}, {}]
    for query in [*odd, {"a": theirs.pk, "b": page.revisions.get().pk}]:
        response = admin_client.get(url, query, follow=True)
        assert "Choose two different revisions of this page" in messages_of(response)[-1]


def test_restore_brings_back_title_body_faqs_and_references(admin_client, admin_user, db):
    page = make_page(title="Original", body="Original body.")
    make_faq(page, question="Old question?")
    make_reference(page, citation="Old citation.")
    original = record_revision(page, admin_user)
    edit_in_admin(
        admin_client,
        page,
        title="Rewritten",
        body="Rewritten body.",
        **{"faqs-0-DELETE": "on"},
    )
    assert page.faqs.count() == 0

    confirm = admin_client.get(restore_url(page, original))
    assert "<ins>Original</ins>" in confirm.content.decode()
    response = admin_client.post(restore_url(page, original), follow=True)

    page.refresh_from_db()
    assert (page.title, page.body) == ("Original", "Original body.")
    assert list(page.faqs.values_list("question", flat=True)) == ["Old question?"]
    assert list(page.references.values_list("citation", flat=True)) == ["Old citation."]
    assert "It is the page's content now" in messages_of(response)[-1]
    restored = page.revisions.first()
    assert (restored.kind, restored.restored_from, restored.created_by) == (
        "restored",
        original,
        admin_user,
    )
    assert admin_client.get(page.path).content.decode().count("Old question?") >= 1


def test_restore_refused_when_its_slug_is_taken_now_and_nothing_changes(admin_client, db):
    page = make_page(title="Ketamine for PTSD", slug="ketamine-for-ptsd")
    old = record_revision(page, None)
    edit_in_admin(admin_client, page, title="Renamed", slug="ptsd")
    make_page(title="Squatter", slug="ketamine-for-ptsd")
    count = PageRevision.objects.count()

    response = admin_client.post(restore_url(page, old), follow=True)

    page.refresh_from_db()
    assert (page.title, page.slug) == ("Renamed", "ptsd")
    assert PageRevision.objects.count() == count
    message = messages_of(response)[-1]
    assert message.startswith("Nothing changed.")
    assert "already used by the page “Squatter”" in message


def test_restore_keeps_the_live_status_publish_time_and_review(admin_client, db):
    from datetime import date

    from clinicfacts.models import Clinician

    first_reviewer = Clinician.objects.create(name="Dr. Gone")
    page = make_page(title="Draft title", status=Page.Status.DRAFT, reviewer=first_reviewer)
    first = record_revision(page, None)
    edit_in_admin(admin_client, page, title="Live title", status="published")
    page.refresh_from_db()
    reviewer = Clinician.objects.create(name="Dr. Now")
    page.reviewer, page.last_reviewed = reviewer, date(2026, 11, 2)
    save_page(page)
    first_reviewer.delete()
    live = (page.status, page.publish_at, page.reviewer, page.last_reviewed, page.next_review)

    confirm = admin_client.get(restore_url(page, first)).content.decode()
    response = admin_client.post(restore_url(page, first), follow=True)

    assert "its review dates, stay as they are now" in confirm
    assert "Status" not in confirm
    page.refresh_from_db()
    assert page.title == "Draft title"
    assert (page.status, page.publish_at, page.reviewer, page.last_reviewed, page.next_review) == (
        live
    )
    assert page.is_live
    assert "It is the page's content now" in messages_of(response)[-1]


def test_publishing_a_draft_whose_reviewer_was_deleted_is_refused(admin_client, db):
    from clinicfacts.models import Clinician

    gone = Clinician.objects.create(name="Dr. Gone")
    page = make_page(title="Live title")
    edit_in_admin(admin_client, page, title="Draft title", reviewer=str(gone.pk), _save_draft="1")
    # The live page lets go of the reviewer (as deleting a clinician first requires).
    Page.objects.filter(pk=page.pk).update(reviewer=None)
    gone.delete()
    publish = reverse("admin:pages_page_draft_publish", args=[page.pk])

    response = admin_client.post(publish, follow=True)

    assert "The reviewer this revision names has been deleted since" in messages_of(response)[-1]
    page.refresh_from_db()
    assert (page.title, page.reviewer) == ("Live title", None)


def test_restore_of_a_deleted_page_says_so(admin_client, db):
    page = make_page()
    revision = record_revision(page, None)
    url = restore_url(page, revision)
    page.delete()

    response = admin_client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:pages_page_changelist")
    assert messages_of(response) == ["This page has been deleted; its revisions went with it."]


def test_a_revision_of_another_page_is_not_restored_here(admin_client, db):
    page, other = make_page(), make_page(title="Other", slug="other")
    theirs = record_revision(other, None)
    kept = page.revisions.count()

    response = admin_client.post(restore_url(page, theirs), follow=True)

    assert "isn't one of this page's revisions" in messages_of(response)[-1]
    assert page.revisions.count() == kept


def test_view_only_staff_see_history_but_cannot_restore(client, django_user_model, db):
    page = make_page()
    revision = record_revision(page, None)
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_page"))
    client.force_login(viewer)

    assert client.get(revisions_url(page)).status_code == 200
    assert "Restore this revision" not in client.get(revisions_url(page)).content.decode()
    assert client.get(restore_url(page, revision)).status_code == 403
    assert client.post(restore_url(page, revision)).status_code == 403


def test_draft_of_a_published_page_stays_off_the_live_page_until_published(
    admin_client, client, db
):
    page = make_page(title="Live title", body="Live body.")
    make_faq(page, question="Live question?")
    form = admin_client.get(change_url(page)).content.decode()
    assert "Save as draft (the live page stays as it is)" in form

    response = admin_client.post(
        change_url(page),
        form_data_for(page, title="Draft title", body="Draft body.", _save_draft="1"),
        follow=True,
    )

    assert "Draft saved" in messages_of(response)[-1]
    assert "Unpublished draft saved" in response.content.decode()
    page.refresh_from_db()
    assert page.title == "Live title"
    assert "Live body." in client.get(page.path).content.decode()
    preview = admin_client.get(reverse("admin:pages_page_draft_preview", args=[page.pk]))
    assert "Draft body." in preview.content.decode()
    assert "Preview of an unpublished draft" in preview.content.decode()
    assert 'content="noindex"' in preview.content.decode()
    assert "no-cache" in preview["Cache-Control"]

    publish = reverse("admin:pages_page_draft_publish", args=[page.pk])
    assert "<ins>Draft</ins>" in admin_client.get(publish).content.decode()
    admin_client.post(publish)

    page.refresh_from_db()
    assert (page.title, page.status) == ("Draft title", "published")
    assert "Draft body." in client.get(page.path).content.decode()
    assert list(page.faqs.values_list("question", flat=True)) == ["Live question?"]
    assert page.revisions.first().kind == "published"
    assert "Unpublished draft" not in admin_client.get(change_url(page)).content.decode()


def test_a_draft_identical_to_the_live_page_is_not_kept(admin_client, db):
    page = make_page(body=AS_THE_FORM_KEEPS_IT)

    response = admin_client.post(
        change_url(page), form_data_for(page, _save_draft="1"), follow=True
    )

    assert "Nothing to save as a draft" in messages_of(response)[-1]
    assert not page.revisions.filter(kind="draft").exists()


def test_discarding_a_draft_leaves_the_live_page(admin_client, db):
    page = make_page(title="Live title")
    edit_in_admin(admin_client, page, title="Draft title", _save_draft="1")
    discard = reverse("admin:pages_page_draft_discard", args=[page.pk])

    response = admin_client.post(discard, follow=True)

    assert "Draft discarded" in messages_of(response)[-1]
    assert not page.revisions.filter(kind="draft").exists()
    page.refresh_from_db()
    assert page.title == "Live title"


def test_view_only_staff_may_preview_a_draft_but_not_publish_it(
    admin_client, client, django_user_model, db
):
    page = make_page(title="Live title", body=AS_THE_FORM_KEEPS_IT)
    edit_in_admin(admin_client, page, title="Draft <script>x</script>", _save_draft="1")
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_page"))
    client.force_login(viewer)

    preview = client.get(reverse("admin:pages_page_draft_preview", args=[page.pk]))
    publish = reverse("admin:pages_page_draft_publish", args=[page.pk])

    assert "Draft &lt;script&gt;x&lt;/script&gt;" in preview.content.decode()
    assert "Reading grade" in preview.content.decode()
    assert client.post(publish).status_code == 403
    page.refresh_from_db()
    assert page.title == "Live title"


def test_an_unpublished_page_has_no_draft_button(admin_client, db):
    page = make_page(status=Page.Status.DRAFT)

    form = admin_client.get(change_url(page)).content.decode()

    assert "Save as draft" not in form
    assert f'href="{revisions_url(page)}"' in form


def test_publish_action_records_a_revision(admin_client, admin_user, db):
    page = make_page(status=Page.Status.DRAFT)

    admin_client.post(
        reverse("admin:pages_page_changelist"),
        {"action": "publish_now", "_selected_action": [page.pk]},
    )

    revision = page.revisions.first()
    assert (revision.kind, revision.created_by, revision.content["status"]) == (
        "published",
        admin_user,
        "published",
    )


def test_demo_content_records_a_revision_only_when_it_changes_something(db):
    call_command("load_demo_content", verbosity=0)
    count = PageRevision.objects.count()

    call_command("load_demo_content", verbosity=0)

    assert count == Page.objects.count()
    assert PageRevision.objects.count() == count


def test_restore_revision_restores_from_a_plain_call(admin_user, db):
    page = make_page(title="Before")
    before = record_revision(page, admin_user)
    page.title = "After"
    save_page(page)

    restored = restore_revision(before, user=admin_user)

    page.refresh_from_db()
    assert page.title == "Before" and restored.restored_from == before

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse

from inquiries.models import InquiryEvent
from inquiries.roles import CONTENT_EDITORS, INTAKE_STAFF
from tests.inquiries.crm_factories import (
    action_url,
    change_url,
    dashboard_url,
    export_url,
    make_editor,
    make_inquiry,
    make_intake_user,
    make_other_staff,
    queue_url,
)

PERSONAS = {
    "intake": lambda: make_intake_user(),
    "intake_with_export": lambda: make_intake_user(can_export=True),
    "content_editor": make_editor,
    "staff_without_permissions": make_other_staff,
    "anonymous": lambda: None,
}
# persona -> expected status for (queue, detail, dashboard, export)
MATRIX = {
    "intake": (200, 200, 200, 403),
    "intake_with_export": (200, 200, 200, 200),
    "content_editor": (403, 403, 403, 403),
    "staff_without_permissions": (403, 403, 403, 403),
    "anonymous": (302, 302, 302, 302),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_permission_matrix(client, db, persona):
    inquiry = make_inquiry(first_name="Confidential")
    user = PERSONAS[persona]()
    if user is not None:
        client.force_login(user)
    urls = [queue_url(), change_url(inquiry), dashboard_url(), export_url()]

    responses = [client.get(url) for url in urls]

    assert tuple(response.status_code for response in responses) == MATRIX[persona]
    for response in responses:
        if response.status_code == 302:
            assert reverse("admin:login") in response["Location"]
        if response.status_code != 200:
            assert b"Confidential" not in response.content


@pytest.mark.parametrize("persona", ["content_editor", "staff_without_permissions"])
def test_staff_without_inquiry_permissions_cannot_act(client, db, persona):
    inquiry = make_inquiry()
    client.force_login(PERSONAS[persona]())

    note = client.post(action_url(inquiry, "note"), {"crm-note-text": "hello"})
    bulk = client.post(queue_url(), {"action": "mark_spam", "_selected_action": [inquiry.pk]})

    assert note.status_code == 403
    assert bulk.status_code == 403
    assert not inquiry.events.exists()


def test_admin_home_links_the_dashboard_only_for_inquiry_staff(client, db):
    client.force_login(make_intake_user())
    assert dashboard_url() in client.get(reverse("admin:index")).content.decode()

    client.force_login(make_editor())
    html = client.get(reverse("admin:index")).content.decode()

    assert dashboard_url() not in html
    assert "Inquiries" not in html


def test_roles_carry_the_intended_permissions(db):
    intake = set(
        Group.objects.get(name=INTAKE_STAFF).permissions.values_list("codename", flat=True)
    )
    editors = Group.objects.get(name=CONTENT_EDITORS).permissions.all()

    assert intake == {
        "view_inquiry",
        "change_inquiry",
        "view_topic",
        "add_inquiryevent",
        "view_inquiryevent",
        "view_replytemplate",
        # Consultations: see and make bookings, read the offered times (issue 29).
        "view_booking",
        "add_booking",
        "change_booking",
        "view_consultationoffer",
        "view_weeklyhours",
        "view_closure",
    }
    assert {p.content_type.app_label for p in editors} == {"pages", "images", "clinicfacts"}
    assert {
        "add_page",
        "change_page",
        "delete_page",
        "add_faq",
        "add_reference",
        "view_pagerevision",
        "add_image",
        "change_clinician",
        "change_location",
        "add_openinghours",
    } <= {p.codename for p in editors}


def test_intake_staff_cannot_delete_or_export_without_the_grant(client, db):
    inquiry = make_inquiry()
    client.force_login(make_intake_user())

    delete = client.post(reverse("admin:inquiries_inquiry_delete", args=[inquiry.pk]))
    html = client.get(queue_url()).content.decode()

    assert delete.status_code == 403
    assert 'value="export_selected"' not in html
    assert "Export this list as CSV" not in html


def test_timeline_events_have_no_admin_to_change_or_delete_them():
    assert InquiryEvent not in admin.site._registry


def _reply_and_attempt_urls(inquiry):
    from inquiries.models import ReplyTemplate

    template = ReplyTemplate.objects.first()
    return {
        "my work": (f"{queue_url()}?work=mine", "get", {}),
        "reply page": (
            reverse("admin:inquiries_inquiry_reply", args=[inquiry.pk]),
            "get",
            {"template": template.pk},
        ),
        "attempt": (
            action_url(inquiry, "attempt"),
            "post",
            {"crm-attempt-method": "phone", "crm-attempt-outcome": "reached"},
        ),
        "close": (
            reverse("admin:inquiries_inquiry_close_no_response", args=[inquiry.pk]),
            "post",
            {},
        ),
        "templates": (reverse("admin:inquiries_replytemplate_changelist"), "get", {}),
    }


def test_content_editors_see_none_of_the_intake_work(client, db):
    inquiry = make_inquiry(first_name="Confidential")
    client.force_login(make_editor())

    for name, (url, method, data) in _reply_and_attempt_urls(inquiry).items():
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, name
        assert b"Confidential" not in response.content
    index = client.get(reverse("admin:index")).content.decode()
    assert "My work" not in index
    assert "Reply templates" not in index
    inquiry.refresh_from_db()
    assert inquiry.contact_attempts == 0


def test_intake_staff_use_templates_but_cannot_edit_them(client, db):
    from inquiries.models import ReplyTemplate

    template = ReplyTemplate.objects.get(name="First reply")
    client.force_login(make_intake_user())
    change = reverse("admin:inquiries_replytemplate_change", args=[template.pk])

    listing = client.get(reverse("admin:inquiries_replytemplate_changelist"))
    read_only = client.get(change)
    edit = client.post(
        change, {"name": "Hacked", "subject": "x", "body": "y", "order": 1, "is_active": "on"}
    )
    add = client.get(reverse("admin:inquiries_replytemplate_add"))

    assert listing.status_code == 200
    assert read_only.status_code == 200
    assert b'name="_save"' not in read_only.content
    assert edit.status_code == 403
    assert add.status_code == 403
    template.refresh_from_db()
    assert template.name == "First reply"


def test_the_manage_permission_edits_templates(client, db):
    from inquiries.models import ReplyTemplate
    from tests.inquiries.crm_factories import make_staff

    template = ReplyTemplate.objects.get(name="First reply")
    client.force_login(make_staff("lead", permissions=["inquiries.manage_replytemplate"]))

    response = client.post(
        reverse("admin:inquiries_replytemplate_change", args=[template.pk]),
        {
            "name": "First reply",
            "subject": "Hello from {clinic_name}",
            "body": "Hi {first_name}, please call {clinic_phone}.",
            "order": 10,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Hello from {clinic_name}"


def _crm_screen_urls(inquiry):
    """Every URL of the CRM's own screens (found by walking the admin site), for this inquiry."""
    from inquiries.admin.urls import NAME, screen_urls

    names = []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif pattern.name and pattern.name.startswith(NAME.format("")):
                names.append(pattern.name)

    walk(screen_urls(admin.site))
    urls = {}
    for name in names:
        try:
            urls[name] = reverse(f"admin:{name}", args=[inquiry.pk])
        except NoReverseMatch:
            urls[name] = reverse(f"admin:{name}")
    return urls


@pytest.mark.parametrize("method", ["get", "post"])
def test_content_editors_are_refused_every_screen_of_the_crm(client, db, method):
    inquiry = make_inquiry(first_name="Confidential")
    client.force_login(make_editor())

    urls = _crm_screen_urls(inquiry)

    assert (
        len(urls) >= 14
    )  # work screen, details, reply, claim, close, 7 actions, export, dashboard
    for name, url in urls.items():
        response = getattr(client, method)(url)
        assert response.status_code in (403, 405), name
        assert b"Confidential" not in response.content
    inquiry.refresh_from_db()
    assert inquiry.events.count() == 0
    assert inquiry.assignee is None

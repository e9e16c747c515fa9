"""One set of rules for names, email and phone: the public form and the admin agree."""

import pytest

from inquiries.admin.forms import InquiryDetailsForm
from inquiries.forms import InquiryForm
from tests.inquiries.crm_factories import details_form_data, make_inquiry
from tests.inquiries.factories import form_data

pytestmark = pytest.mark.django_db


def public_form(field, typed):
    form = InquiryForm(data=form_data(**{field: typed}))
    form.is_valid()
    return form


def admin_form(field, typed):
    inquiry = make_inquiry(first_name="Ada", phone="+12125550123")
    form = InquiryDetailsForm(data=details_form_data(inquiry, **{field: typed}), instance=inquiry)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("first_name", "  Ada\u200b   Mary "),
        ("first_name", "<script>x</script>"),
        ("first_name", "Ada\x07"),
        ("last_name", "O'Brien-Smith"),
        ("last_name", "see www.spam.example"),
        ("last_name", "Cheap pills at pills.com"),
        ("email", "Ada.Lovelace@Example.COM"),
        ("email", "ada@localhost"),
        ("email", "ada@[192.0.2.1]"),
        ("email", "ada\u200b@example.com"),
        ("phone", "(212) 555-0123"),
        # Longer than the stored E.164's 20 characters, well within the 30 one may type.
        ("phone", "+1  ( 212 )  555 - 0123"),
        ("phone", "+44 20 7946 0958"),
        ("phone", "555-1234"),
        ("phone", "12345"),
    ],
)
def test_public_form_and_admin_apply_the_same_rules(field, typed):
    public, staff = public_form(field, typed), admin_form(field, typed)

    if field in public.errors:
        assert public.errors[field] == staff.errors[field]
    else:
        assert field not in staff.errors
        assert public.cleaned_data[field] == staff.cleaned_data[field]


@pytest.mark.parametrize("typed", ["Visit https://spam.example", "www.example.org", "x.com"])
def test_public_form_refuses_a_web_address_as_a_name(typed):
    form = public_form("first_name", typed)

    assert form.errors["first_name"] == ["Please enter a name only, without a web address."]

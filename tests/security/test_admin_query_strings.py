"""Hostile query strings on every admin list: a message or a 400, never a 500.

One test walks every registered ModelAdmin (the project's and those of auth, axes and
django-otp) and throws at its changelist what PostgreSQL refuses at query time (invalid
regular expressions, NUL characters, non-dates) and what Django refuses before it (unknown
lookups, absurd page numbers and orderings), for each of its list filters, search fields
and date fields.
"""

from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from tests.inquiries.crm_factories import make_inquiry

NOTICE = "That search or filter couldn’t be used"
NUL = "a\x00b"


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def filter_parameters(model_admin, user):
    """The query parameters of the list's filters, as the admin itself builds them."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    return [param for spec in changelist.filter_specs for param in spec.expected_parameters()]


def searched_fields(model_admin):
    return [name.lstrip("^=@").split("__")[0] for name in model_admin.search_fields]


def date_fields(model):
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, (models.DateField, models.DateTimeField))
    ]


def filtered_fields(model_admin):
    """Fields the list filters by name (a plain name or a (name, filter class) pair)."""
    entries = [entry[0] if isinstance(entry, tuple) else entry for entry in model_admin.list_filter]
    return [entry for entry in entries if isinstance(entry, str)]


def hostile_queries(model, model_admin, user):
    """Query strings no list may answer with a 500."""
    searched = searched_fields(model_admin)
    queries = [{"q": NUL}, {"q": "\x00"}, {"_facets": "1", "pk__regex": "("}]
    for name in sorted({*searched, *filtered_fields(model_admin)}):
        queries += [{f"{name}__regex": "("}, {f"{name}__iregex": "["}]
    # A NUL in every filter's value, and in a plain lookup on a searched (text) field.
    queries += [{param: NUL} for param in filter_parameters(model_admin, user)]
    queries += [{name: NUL} for name in searched[:1]]
    for name in date_fields(model):
        queries += [{f"{name}__gte": "notadate"}, {f"{name}__gte": "2026-13-45"}]
    if model_admin.date_hierarchy:
        year = f"{model_admin.date_hierarchy}__year"
        queries += [
            {year: "99999999"},
            {year: "2026", f"{model_admin.date_hierarchy}__month": "13"},
        ]
    queries += [
        {"no_such_field__exact": "1"},
        {"pk__unknownlookup": "1"},
        {"pk": "not-a-number"},
        {"pk__gt": "99999999999999999999999"},
        {"p": "99999999999999999999"},
        {"p": "-1"},
        {"o": "abc"},
        {"o": "999.-x.0"},
        {"all": "", "p": "3"},
        {"e": "1", "no_such_field__exact": "1"},
        {"e": "1", "pk__regex": "("},
    ]
    return queries


def understood(response, url):
    """The list (with the query applied or ignored), Django's way back to the list
    without it (?e=1, which says why: see the end of the test), or a 400 that says why."""
    html = response.content.decode()
    if response.status_code == 200:
        return 'id="changelist"' in html or NOTICE in html
    if response.status_code == 302:
        return response["Location"] == f"{url}?e=1"
    return response.status_code == 400 and NOTICE in html


@pytest.mark.parametrize(
    ("model", "model_admin"),
    list(admin.site._registry.items()),
    ids=[model._meta.label for model in admin.site._registry],
)
def test_admin_lists_answer_hostile_query_strings_with_a_message(
    admin_client, admin_user, model, model_admin
):
    admin_client.raise_request_exception = False
    make_inquiry(phone="+12125550123")
    url = changelist_url(model)
    failures = []

    for query in hostile_queries(model, model_admin, admin_user):
        response = admin_client.get(f"{url}?{urlencode(query)}")

        if not understood(response, url):
            html = response.content.decode()[:300]
            failures.append(f"?{urlencode(query)} -> {response.status_code} {html!r}")
    back_at_the_list = admin_client.get(f"{url}?e=1")

    assert not failures, "\n".join(failures)
    assert back_at_the_list.status_code == 200
    assert NOTICE in back_at_the_list.content.decode()


def test_export_with_a_refused_query_string_answers_400_and_records_nothing(admin_client):
    from inquiries.models import InquiryEvent
    from staff.models import AuditEntry

    admin_client.raise_request_exception = False
    inquiry = make_inquiry()
    url = reverse("admin:inquiries_inquiry_export")

    response = admin_client.get(f"{url}?{urlencode({'email__regex': '('})}")

    assert response.status_code == 400
    assert NOTICE in response.content.decode()
    assert "Go to the admin’s home page" in response.content.decode()
    assert not InquiryEvent.objects.filter(inquiry=inquiry, kind="exported").exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("query", [{"username__regex": "("}, {"username": NUL}])
def test_outside_a_transaction_a_refused_query_answers_the_same(admin_client, query):
    # How the site runs (autocommit): no savepoint is needed, and the answer is the same.
    admin_client.raise_request_exception = False
    url = changelist_url(get_user_model())

    response = admin_client.get(f"{url}?{urlencode(query)}", follow=True)

    assert response.redirect_chain == [(f"{url}?e=1", 302)]
    assert NOTICE in response.content.decode()

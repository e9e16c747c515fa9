import json
import re
from datetime import time

import pytest
from django.urls import reverse

from clinicfacts.models import Clinician, Location, OpeningHours
from pages.models import Page
from tests.pages.factories import make_clinician, make_page


def json_ld_blocks(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def make_location(**fields):
    defaults = {
        "name": "Riverside clinic",
        "street_address": "100 Example Street",
        "locality": "Springfield",
        "region": "ST",
        "postal_code": "00000",
        "phone": "+1 555 010 0100",
    }
    return Location.objects.create(**{**defaults, **fields})


@pytest.fixture
def location(db):
    location = make_location(
        map_url="https://www.openstreetmap.org/search?query=100%20Example%20Street",
        directions="Parking behind the building.",
    )
    OpeningHours.objects.create(location=location, weekday=0, opens=time(8), closes=time(18))
    OpeningHours.objects.create(location=location, weekday=5, opens=time(9), closes=time(13))
    return location


def test_team_page_lists_the_clinicians_shown_on_it_in_their_order(client, db):
    make_clinician(name="Marcus Bell", credentials="PMHNP-BC", role="Treatment lead", order=2)
    make_clinician(name="Dr. Dana Whitfield", credentials="MD", bio="Fifteen years.", order=1)
    make_clinician(name="Off Page", show_on_team_page=False)

    html = client.get("/our-team/").content.decode()

    assert html.index("Dr. Dana Whitfield") < html.index("Marcus Bell")
    assert "PMHNP-BC · Treatment lead" in html
    assert "<p>Fifteen years.</p>" in html
    assert "Off Page" not in html


def test_team_page_escapes_what_staff_typed(client, db):
    make_clinician(name="<script>alert(1)</script>", bio="<b>bold</b>")

    html = client.get("/our-team/").content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_locations_page_shows_address_hours_closed_days_and_a_map_link_not_a_map(client, location):
    response = client.get("/locations/")
    html = response.content.decode()

    assert "100 Example Street" in html
    assert 'href="tel:+15550100100"' in html
    assert "8:00 a.m. to 6:00 p.m." in html
    assert re.search(r"Sunday</th>\s*<td>Closed", html)
    assert 'href="https://www.openstreetmap.org/search' in html
    assert "<iframe" not in html
    assert not response.cookies


def test_public_facts_pages_are_cookie_free_and_fresh_after_an_edit(client, location):
    assert "Riverside clinic" in client.get("/locations/").content.decode()

    location.name = "Downtown clinic"
    location.save()

    response = client.get("/locations/")
    assert "Downtown clinic" in response.content.decode()
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_home_page_describes_the_clinic_with_its_opening_hours(client, location, settings):
    settings.SITE_URL = "https://clinic.example.com"
    settings.CLINIC_NAME = "Riverside Ketamine Clinic"

    (clinic,) = json_ld_blocks(client.get("/").content.decode())

    assert clinic["@type"] == "MedicalClinic"
    assert clinic["name"] == "Riverside Ketamine Clinic"
    assert clinic["url"] == "https://clinic.example.com/"
    assert clinic["address"]["streetAddress"] == "100 Example Street"
    assert clinic["address"]["addressCountry"] == "US"
    assert clinic["openingHoursSpecification"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "08:00",
            "closes": "18:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Saturday",
            "opens": "09:00",
            "closes": "13:00",
        },
    ]


def test_reviewer_chosen_from_the_clinicians_feeds_the_byline_and_json_ld(client, db):
    reviewer = make_clinician(name="Dr. Ana Ruiz", credentials="MD, psychiatrist")
    page = make_page(reviewer=reviewer)

    html = client.get(page.path).content.decode()

    assert "Medically reviewed by Dr. Ana Ruiz, MD, psychiatrist" in html
    medical = json_ld_blocks(html)[0]
    assert medical["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr. Ana Ruiz",
        "jobTitle": "MD, psychiatrist",
    }

    reviewer.credentials = "MD, PhD"
    reviewer.save()
    assert "Dr. Ana Ruiz, MD, PhD" in client.get(page.path).content.decode()


def test_opening_hours_that_close_before_they_open_are_refused_in_the_admin(admin_client, location):
    url = reverse("admin:clinicfacts_location_change", args=[location.pk])
    data = {
        "name": location.name,
        "phone": location.phone,
        "order": "0",
        "street_address": location.street_address,
        "locality": location.locality,
        "region": location.region,
        "postal_code": location.postal_code,
        "country": "US",
        "map_url": "",
        "directions": "",
        "opening_hours-TOTAL_FORMS": "1",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "1000",
        "opening_hours-0-weekday": "2",
        "opening_hours-0-opens": "17:00",
        "opening_hours-0-closes": "09:00",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Closing time must be later than opening time." in response.content.decode()
    assert location.opening_hours.count() == 2
    location.refresh_from_db()
    assert location.map_url.startswith("https://")


def test_a_clinician_who_reviews_pages_cannot_be_deleted_and_the_admin_says_why(admin_client, db):
    reviewer = make_clinician()
    page = make_page(reviewer=reviewer)
    url = reverse("admin:clinicfacts_clinician_delete", args=[reviewer.pk])

    confirmation = admin_client.get(url).content.decode()
    admin_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in confirmation
    assert page.title in confirmation
    assert Clinician.objects.filter(pk=reviewer.pk).exists()
    assert Page.objects.get(pk=page.pk).reviewer == reviewer


def test_clinician_list_counts_the_pages_each_reviews(admin_client, db):
    reviewer = make_clinician()
    make_page(reviewer=reviewer)
    make_page(slug="second", reviewer=reviewer)

    response = admin_client.get(reverse("admin:clinicfacts_clinician_changelist"))

    assert response.context["cl"].result_list[0].pages_reviewed == 2


def test_reserved_addresses_cannot_be_taken_by_a_page(db):
    from django.core.exceptions import ValidationError

    for slug in ("our-team", "locations", "search"):
        page = Page(title="x", slug=slug, summary="x", body="x")
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert "used by a fixed address" in str(error.value)


def test_footer_shows_the_first_locations_address_or_the_settings_without_one(client, db, settings):
    settings.CLINIC_ADDRESS = "1 Settings Road"
    assert "1 Settings Road" in client.get("/our-team/").content.decode()

    make_location(street_address="22 Staff Street", phone="+1 555 010 0199")

    html = client.get("/our-team/").content.decode()
    assert "22 Staff Street, Springfield, ST 00000" in html
    assert 'href="tel:+15550100199"' in html
    assert "1 Settings Road" not in html


@pytest.mark.parametrize("count", [1, 3])
def test_team_page_shows_each_photo_with_its_renditions_in_a_fixed_number_of_queries(
    client, db, settings, tmp_path, django_assert_num_queries, count
):
    from tests.images.conftest import make_image

    settings.MEDIA_ROOT = tmp_path / "media"
    for number in range(count):
        make_clinician(name=f"Clinician {number}", photo=make_image(alt_text=f"Portrait {number}"))

    # Clinicians with their photos, the photos' renditions, navigation, the footer's
    # location, and the page cache's content version (at most once a second per process).
    with django_assert_num_queries(5):
        html = client.get("/our-team/").content.decode()

    for number in range(count):
        assert f'alt="Portrait {number}"' in html
    assert html.count('type="image/webp"') == count
    assert 'width="800" height="480"' in html  # the fallback's size: the same shape

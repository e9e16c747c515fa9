import re

from django.core.management import call_command

from images.models import Image, Rendition
from pages.models import FAQ, Page, PageRedirect, Reference


def snapshot():
    return {
        "pages": dict(Page.objects.values_list("path", "updated_at")),
        "faqs": FAQ.objects.count(),
        "references": Reference.objects.count(),
        "redirects": PageRedirect.objects.count(),
        "images": list(Image.objects.values_list("pk", "file")),
        "renditions": list(Rendition.objects.values_list("pk", "file")),
    }


def test_load_demo_content_is_idempotent(db):
    call_command("load_demo_content", verbosity=0)
    first = snapshot()

    call_command("load_demo_content", verbosity=0)

    assert snapshot() == first
    assert len(first["pages"]) >= 6


def test_demo_content_has_sections_navigation_and_the_ptsd_article(client, db):
    call_command("load_demo_content", verbosity=0)

    assert {"/treatments/", "/conditions/"} <= set(
        Page.objects.published().values_list("path", flat=True)
    )
    assert Page.objects.in_navigation().count() >= 2
    assert Page.objects.filter(parent__path="/treatments/").count() >= 3

    html = client.get("/treatments/ketamine-for-ptsd/").content.decode()
    body = html[html.index('<div class="page-body">') : html.index('<section class="page-faqs"')]
    # The CTA sits mid-body; the crisis lines sit next to the suicide passage.
    assert (
        body.index("Traditional therapies")
        < body.index("Talk to our team")
        < body.index("How ketamine may help")
    )
    assert 0 < body.index("tel:988") - body.index("thoughts of suicide") < 800
    for fact in ("46%", "62%", "NMDA", "BDNF", "glutamate", "Spravato", "VA"):
        assert fact in body
    assert "Daytryp Health" in body  # the 46%/62% figures are attributed
    assert len(re.findall(r'<details class="page-faq">', html)) >= 3
    assert "doi.org/10.1001/jamapsychiatry.2014.62" in html


def test_every_demo_summary_fits_the_meta_description_limit(db):
    call_command("load_demo_content", verbosity=0)

    assert all(len(summary) <= 160 for summary in Page.objects.values_list("summary", flat=True))


def test_demo_content_has_a_team_a_location_and_a_clinician_reviewing_the_pages(client, db):
    from clinicfacts.models import Clinician, Location, OpeningHours

    call_command("load_demo_content", verbosity=0)
    call_command("load_demo_content", verbosity=0)

    assert Clinician.objects.count() == 2
    assert Location.objects.count() == 1
    assert OpeningHours.objects.count() == 6
    article = Page.objects.get(path="/treatments/ketamine-for-ptsd/")
    assert article.reviewer.name == "Dr. Dana Whitfield"
    assert "Marcus Bell" in client.get("/our-team/").content.decode()
    assert "Saturday" in client.get("/locations/").content.decode()


def test_the_ptsd_article_shows_the_demo_image_and_shares_it(client, db, settings):
    settings.SITE_URL = "https://clinic.example"
    call_command("load_demo_content", verbosity=0)

    image = Image.objects.get()
    assert image.credit.startswith("Made by this project") and "CC0" in image.credit
    assert (image.width, image.height) == (1600, 900) and not image.decorative
    page = Page.objects.get(path="/treatments/ketamine-for-ptsd/")
    assert page.social_image == image
    assert f"[[image:{image.pk}]]" in page.body and "calm-morning]]" not in page.body

    html = client.get(page.path).content.decode()
    body = html[html.index('<div class="page-body">') : html.index('<section class="page-faqs"')]
    figure = re.search(r'<figure class="page-figure">.*?</figure>', body, re.S)[0]
    assert f'alt="{image.alt_text}"' in figure and 'width="1600" height="900"' in figure
    assert 'loading="lazy"' in figure  # below the first heading, so below the fold
    assert body.index("What is PTSD?") < body.index("<figure") < body.index("Symptoms of PTSD")
    assert '<meta property="og:image" content="https://clinic.example/media/' in html

import json
import re
from datetime import timedelta
from xml.etree import ElementTree

from django.utils import timezone

from pages.models import Page
from tests.pages.factories import make_faq, make_page


def json_ld_blocks(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_json_ld_describes_the_reviewed_medical_page_and_its_faqs(client, article, settings):
    settings.SITE_URL = "https://clinic.example.com"
    make_faq(article, question="How fast does it work?", answer="Often within a day.")

    medical, faq_page = json_ld_blocks(client.get(article.path).content.decode())

    assert medical["@type"] == "MedicalWebPage"
    assert medical["url"] == "https://clinic.example.com/treatments/ketamine-for-ptsd/"
    assert medical["lastReviewed"] == "2026-10-01"
    assert medical["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr. Dana Whitfield",
        "jobTitle": "MD, psychiatrist",
    }
    assert faq_page["@type"] == "FAQPage"
    assert [q["name"] for q in faq_page["mainEntity"]] == [
        "Is it safe?",
        "How fast does it work?",
    ]
    assert faq_page["mainEntity"][1]["acceptedAnswer"]["text"] == "<p>Often within a day.</p>"


def test_json_ld_cannot_close_its_script_element(client, article):
    make_faq(article, question="</script><script>alert(1)</script>", answer="x")

    html = client.get(article.path).content.decode()

    assert "</script><script>alert(1)" not in html
    questions = [q["name"] for q in json_ld_blocks(html)[1]["mainEntity"]]
    assert "</script><script>alert(1)</script>" in questions


def test_page_without_faqs_has_no_faq_json_ld(client, section):
    blocks = json_ld_blocks(client.get(section.path).content.decode())

    assert [block["@type"] for block in blocks] == ["MedicalWebPage"]


def test_page_head_has_title_description_canonical_and_open_graph(client, article, settings):
    settings.SITE_URL = "https://clinic.example.com"
    settings.CLINIC_NAME = "Harbor Light Clinic"

    html = client.get(article.path).content.decode()

    assert "<title>Ketamine for PTSD · Harbor Light Clinic</title>" in html
    assert '<meta name="description" content="How ketamine may help PTSD.">' in html
    canonical = "https://clinic.example.com/treatments/ketamine-for-ptsd/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:title" content="Ketamine for PTSD">' in html
    assert '<meta property="og:type" content="article">' in html


def test_home_head_has_canonical_and_description(client, db, settings):
    settings.SITE_URL = "https://clinic.example.com"

    html = client.get("/").content.decode()

    assert '<link rel="canonical" href="https://clinic.example.com/">' in html
    assert '<meta name="description" content="Ketamine therapy' in html


def sitemap_entries(client):
    tree = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own XML)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {
        url.find("s:loc", namespace).text: url.find("s:lastmod", namespace)
        for url in tree.findall("s:url", namespace)
    }


def test_sitemap_lists_only_published_pages_with_site_url(client, article, settings):
    settings.SITE_URL = "https://clinic.example.com"
    make_page(slug="draft", status=Page.Status.DRAFT)
    make_page(slug="later", publish_at=timezone.now() + timedelta(days=1))

    entries = sitemap_entries(client)

    assert sorted(entries) == [
        "https://clinic.example.com/",
        "https://clinic.example.com/locations/",
        "https://clinic.example.com/our-team/",
        "https://clinic.example.com/treatments/",
        "https://clinic.example.com/treatments/ketamine-for-ptsd/",
    ]


def test_sitemap_lastmod_is_the_pages_updated_at(client, article):
    Page.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=40))
    stored = Page.objects.get(pk=article.pk).updated_at

    lastmod = sitemap_entries(client)["http://127.0.0.1:8000/treatments/ketamine-for-ptsd/"].text

    assert lastmod == timezone.localtime(stored).date().isoformat()


def test_robots_txt_points_to_the_sitemap(client, db, settings):
    settings.SITE_URL = "https://clinic.example.com"

    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "Sitemap: https://clinic.example.com/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_robots_txt_does_not_reveal_a_custom_admin_path(client, db, settings):
    settings.ADMIN_PATH = "staff-desk/"

    body = client.get("/robots.txt").content.decode()

    assert "staff-desk" not in body
    assert "Sitemap:" in body

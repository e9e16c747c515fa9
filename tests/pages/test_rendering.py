import re

import pytest

from pages.rendering import render_body, render_markdown
from tests.pages.factories import make_faq, make_page


def body_html(markdown_text, path="/treatments/ketamine-for-ptsd/"):
    return render_body(markdown_text, path).html


@pytest.mark.parametrize(
    ("markdown_text", "forbidden"),
    [
        ("Hi <script>alert('x')</script> there", "<script"),
        ("Hi <script>alert('x')</script> there", "alert("),
        ('<img src="/static/a.png" onerror="alert(1)" alt="a">', "onerror"),
        ('<p onclick="steal()">Tap</p>', "onclick"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
        ('<form action="/x"><input name="a"></form>', "<input"),
    ],
)
def test_render_body_strips_dangerous_markup(markdown_text, forbidden):
    assert forbidden not in body_html(markdown_text)


def test_render_body_drops_images_from_other_hosts_and_keeps_our_own(settings):
    settings.SITE_URL = "https://clinic.example.com"

    html = body_html(
        "![tracker](https://evil.example/pixel.gif)\n\n"
        "![also foreign](//evil.example/p.gif)\n\n"
        "![ours](/static/img/favicon.svg)\n\n"
        "![ours too](https://clinic.example.com/static/img/favicon.svg)\n"
    )

    assert "evil.example" not in html
    assert 'src="/static/img/favicon.svg"' in html
    assert 'src="https://clinic.example.com/static/img/favicon.svg"' in html
    assert html.count("<img") == 2


def test_render_body_adds_rel_to_offsite_links_only(settings):
    settings.SITE_URL = "https://clinic.example.com"

    html = body_html(
        "[VA](https://www.ptsd.va.gov/) [ours](/your-first-visit/) "
        "[absolute ours](https://clinic.example.com/x/) [mail](mailto:hello@example.com) "
        '<a href="https://evil.example/" rel="opener">raw</a>'
    )

    assert '<a href="https://www.ptsd.va.gov/" rel="noopener noreferrer">VA</a>' in html
    assert '<a href="/your-first-visit/">ours</a>' in html
    assert '<a href="https://clinic.example.com/x/">absolute ours</a>' in html
    assert '<a href="mailto:hello@example.com">mail</a>' in html
    assert '<a href="https://evil.example/" rel="noopener noreferrer">raw</a>' in html
    assert 'rel="opener"' not in html


def test_render_body_keeps_ordinary_markdown():
    html = body_html(
        "Some **bold**, a list:\n\n- one\n- two\n\n> quoted\n\n| a | b |\n|--|--|\n| 1 | 2 |\n"
    )

    for fragment in ("<strong>bold</strong>", "<li>one</li>", "<blockquote>", "<td>1</td>"):
        assert fragment in html


def test_toc_anchors_equal_heading_ids():
    html, toc, _prose = render_body(
        "## What is PTSD?\n\n### Symptoms & signs\n\n## Treatment\n\n## Treatment\n\n#### Deep\n",
        "/x/",
    )

    heading_ids = re.findall(r'<h[23] id="([^"]+)"', html)
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert heading_ids == ["what-is-ptsd", "symptoms-signs", "treatment", "treatment_1"]
    assert anchors == heading_ids


def test_heading_ids_never_take_the_templates_ids():
    html, toc, _prose = render_body("## Main\n\n## Page title\n", "/x/")

    assert 'id="main"' not in html and 'id="page-title"' not in html
    assert re.findall(r'href="#([^"]+)"', toc) == re.findall(r'<h2 id="([^"]+)"', html)


def test_body_h1_becomes_h2_so_the_page_keeps_one_h1():
    html, toc, _prose = render_body("# A big heading\n\nText.\n", "/x/")

    assert "<h1" not in html
    assert '<h2 id="a-big-heading">' in html
    assert "#a-big-heading" in toc


def test_cta_marker_renders_talk_to_our_team_box_with_page_path():
    html = body_html("First part.\n\n[[get-in-touch]]\n\nSecond part.\n")

    assert "Talk to our team" in html
    assert 'href="/get-in-touch/?from=%2Ftreatments%2Fketamine-for-ptsd%2F"' in html
    assert html.index("First part") < html.index("Talk to our team") < html.index("Second part")
    assert "[[get-in-touch]]" not in html


def test_marker_only_counts_on_its_own_line():
    html = body_html("Write [[get-in-touch]] to add the box.\n")

    assert "Talk to our team" not in html


def test_crisis_marker_renders_crisis_lines():
    html = body_html("Some people have thoughts of suicide.\n\n[[crisis-lines]]\n")

    assert 'href="tel:988"' in html
    assert 'href="tel:911"' in html
    assert "[[crisis-lines]]" not in html


def test_render_markdown_sanitises_faq_style_text():
    html = render_markdown("Yes, **usually**. <img src=x onerror=alert(1)>")

    assert "<strong>usually</strong>" in html
    assert "onerror" not in html


def test_page_save_renders_body_and_toc(db):
    page = make_page(body="Intro <script>x()</script>\n\n## Section one\n")

    assert '<h2 id="section-one">Section one</h2>' in page.body_html
    assert "<script" not in page.body_html
    assert 'href="#section-one"' in page.toc_html


def test_faq_save_renders_and_sanitises_the_answer(db):
    faq = make_faq(make_page(), answer='**Yes** <a href="javascript:x()">more</a>')

    assert "<strong>Yes</strong>" in faq.answer_html
    assert "javascript:" not in faq.answer_html

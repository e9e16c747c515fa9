"""Images on pages: the body marker, keeping pages current, and the social image."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pages.models import Page
from pages.services import save_page
from tests.images.conftest import make_image, picture_bytes
from tests.pages.factories import make_page
from tests.pages.test_admin import page_form_data


def figure_of(html):
    return re.search(r'<figure class="page-figure">.*?</figure>', html, re.S)[0]


def test_a_marker_renders_a_figure_with_caption_at_save(image, client):
    page = make_page(
        body=f"Intro.\n\n## Calm\n\n[[image:{image.pk} | Morning <b>light</b> & calm]]\n\nText."
    )

    figure = figure_of(page.body_html)
    assert '<picture><source type="image/webp"' in figure
    assert 'width="800" height="480"' in figure and 'alt="A calm lake at dawn."' in figure
    assert "<figcaption>Morning &lt;b&gt;light&lt;/b&gt; &amp; calm</figcaption>" in figure
    assert figure in client.get(page.path).content.decode()


def test_an_image_above_the_first_heading_loads_at_once_later_ones_lazily(image):
    second = make_image(title="Second")
    page = make_page(body=f"{image.marker}\n\nIntro.\n\n## Later\n\n{second.marker}\n")

    first_img, second_img = re.findall(r"<img [^>]*>", page.body_html)
    assert "loading=" not in first_img
    assert 'loading="lazy"' in second_img


def test_editor_html_around_a_marker_is_still_sanitised(image):
    page = make_page(
        body=f'<img src="https://tracker.example/x.gif" onerror="x()">\n\n{image.marker}'
    )

    assert "tracker.example" not in page.body_html and "onerror" not in page.body_html
    assert "<picture>" in page.body_html


def test_a_page_view_with_images_needs_no_query_per_image(
    image, client, django_assert_max_num_queries
):
    others = [make_image(title=f"Other {n}") for n in range(3)]
    body = "\n\n".join(other.marker for other in [image, *others])
    page = make_page(body=f"Intro.\n\n{body}", social_image=image)
    client.get(page.path)  # warm anything process-wide
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(8):
        html = client.get(page.path).content.decode()
    assert html.count("<picture>") == 4


def test_an_unknown_or_malformed_marker_is_refused_in_the_admin(admin_client, db):
    response = admin_client.post(
        reverse("admin:pages_page_add"),
        page_form_data(
            body="Intro.\n\n[[image:99]]\n\n[[image: twelve]]\n\n[[Image:3]]\n\n- [[ image:4 ]]\n"
        ),
    )

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["body"])
    assert "There is no image number 99 in the image library" in errors
    for typed in ("[[image: twelve]]", "[[Image:3]]", "- [[ image:4 ]]"):
        assert f"“{typed}” isn't an image marker we understand" in errors
    assert not Page.objects.exists()


def test_changing_an_image_re_renders_the_pages_that_show_it(image, client):
    page = make_page(body=f"Intro.\n\n{image.marker}")
    assert "A calm lake at dawn." in client.get(page.path).content.decode()  # now cached

    image.alt_text = "A still lake under a pale sky."
    image.save()

    html = client.get(page.path).content.decode()
    assert 'alt="A still lake under a pale sky."' in html
    image.file = SimpleUploadedFile("wide.jpg", picture_bytes((1700, 850)))
    image.save()
    assert "-1600w.webp 1600w" in client.get(page.path).content.decode()


def test_deleting_an_image_removes_it_from_pages_and_unsets_the_social_image(image, client):
    page = make_page(body=f"Intro.\n\n{image.marker}\n\nMore.", social_image=image)
    assert "<picture>" in client.get(page.path).content.decode()

    image.delete()

    html = client.get(page.path).content.decode()
    assert "<picture>" not in html and "og:image" not in html
    assert "More." in html
    page.refresh_from_db()
    assert page.social_image is None


def test_a_deleted_images_marker_does_not_block_the_next_edit_of_the_page(image, db):
    page = make_page(body=f"Intro.\n\n{image.marker}\n\nMore.")
    image.delete()
    page = Page.objects.get(pk=page.pk)

    page.title = "A new title"
    page.full_clean()  # the old marker is let be; a new unknown one is still refused
    save_page(page)

    page.body += "\n\n[[image:999999]]"
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert refused.value.message_dict["body"] == [
        "There is no image number 999999 in the image library. Check the number (each image "
        "there shows its marker to copy), or upload the picture first."
    ]


def test_the_image_admin_lists_the_pages_that_use_it(image, admin_client):
    make_page(body=f"Intro.\n\n{image.marker}")
    make_page(title="Anxiety", slug="anxiety", social_image=image)

    html = admin_client.get(reverse("admin:images_image_change", args=[image.pk])).content.decode()

    assert ">Anxiety</a>, <a" in html and ">Ketamine for PTSD</a>" in html


def test_a_social_image_gives_open_graph_and_twitter_tags(client, settings, db):
    settings.SITE_URL = "https://clinic.example"
    image = make_image(size=(1600, 900))
    page = make_page(social_image=image)

    html = client.get(page.path).content.decode()

    url = re.search(r'<meta property="og:image" content="([^"]+)">', html)[1]
    assert url.startswith("https://clinic.example/media/images/renditions/") and url.endswith(
        "-1200w.jpg"
    )
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="675">' in html
    assert '<meta property="og:image:alt" content="A calm lake at dawn.">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_a_page_without_a_social_image_has_no_image_tags(client, db):
    page = make_page()

    html = client.get(page.path).content.decode()

    assert "og:image" not in html and "twitter:card" not in html


def test_the_delete_page_names_the_pages_that_lose_the_image(image, admin_client):
    make_page(body=f"Intro.\n\n{image.marker}")

    response = admin_client.get(reverse("admin:images_image_delete", args=[image.pk]))

    html = response.content.decode()
    assert "Page “Ketamine for PTSD” (/ketamine-for-ptsd/): stays, without this image" in html

from images.models import Rendition
from images.rendering import picture_html
from images.renditions import ensure_renditions
from pages.services import save_page
from tests.images.conftest import make_image, stored_files
from tests.pages.factories import make_page


def test_an_upload_gets_webp_and_jpeg_renditions_up_to_its_own_width(image):
    widths = sorted(image.renditions.values_list("format", "width", "height"))

    # 1000 px wide: 480 and 800, never upscaled to 1200 or 1600.
    assert widths == [
        ("jpeg", 480, 288),
        ("jpeg", 800, 480),
        ("webp", 480, 288),
        ("webp", 800, 480),
    ]
    for rendition in image.renditions.all():
        with rendition.file.open("rb") as stored:
            assert stored.read(4) in (b"\xff\xd8\xff\xe0", b"RIFF")


def test_a_small_image_gets_one_width_its_own(db):
    image = make_image(size=(300, 200))

    assert set(image.renditions.values_list("width", "height")) == {(300, 200)}


def test_a_transparent_png_falls_back_to_png(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images.models import Image
    from tests.images.conftest import picture_bytes

    image = Image(title="Logo", alt_text="The clinic's logo.")
    image.file = SimpleUploadedFile("logo.png", picture_bytes((600, 300), "PNG", "RGBA"))
    image.save()

    assert set(image.renditions.values_list("format", flat=True)) == {"webp", "png"}


def test_renditions_are_made_once_not_per_render_or_page_save(image, media_root, client):
    page = make_page(body=f"Intro.\n\n{image.marker}\n\n## Next\n\nText.")
    made = list(Rendition.objects.values_list("pk", "file"))
    files = stored_files(media_root)

    save_page(page)
    save_page(page)
    image.save()
    client.get(page.path)
    client.get(page.path)

    assert ensure_renditions(image) == []
    assert list(Rendition.objects.values_list("pk", "file")) == made
    assert stored_files(media_root) == files


def test_a_new_file_replaces_the_renditions_and_the_old_files(
    image, media_root, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.images.conftest import picture_bytes

    old_files = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        image.file = SimpleUploadedFile("wide.jpg", picture_bytes((1700, 850)))
        image.save()

    assert sorted(image.renditions.filter(format="jpeg").values_list("width", flat=True)) == [
        480,
        800,
        1200,
        1600,
    ]
    assert not set(old_files) & set(stored_files(media_root))


def test_picture_html_has_srcset_dimensions_alt_and_lazy_loading(image):
    html = picture_html(image, sizes="50vw")

    assert html.startswith('<picture><source type="image/webp" srcset="')
    assert "-480w.webp 480w, " in html and "-800w.webp 800w" in html
    assert 'sizes="50vw"' in html
    assert 'width="800" height="480"' in html
    assert 'alt="A calm lake at dawn."' in html
    assert 'loading="lazy" decoding="async"' in html
    assert "-800w.jpg 800w" in html


def test_a_decorative_image_has_empty_alt(db):
    image = make_image(alt_text="", decorative=True)

    assert 'alt=""' in picture_html(image)


def test_the_include_renders_a_picture_for_other_templates(image, django_assert_num_queries):
    from django.template.loader import render_to_string

    html = render_to_string("images/_picture.html", {"image": image, "sizes": "200px"})

    assert "<picture>" in html and 'sizes="200px"' in html and 'loading="lazy"' in html
    assert render_to_string("images/_picture.html", {"image": None}).strip() == ""

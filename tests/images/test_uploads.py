"""Uploads through the admin's add form: what an editor sees, and what gets stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage

from images.models import Image, Rendition
from tests.images.conftest import picture_bytes, stored_files

ADD_URL = reverse("admin:images_image_add")
GPS_IFD = 0x8825


def upload(admin_client, file, **fields):
    data = {"title": "Waiting room", "alt_text": "Two armchairs by a window.", "credit": ""}
    return admin_client.post(ADD_URL, {**data, **fields, "file": file})


def errors_of(response):
    form = response.context["adminform"].form
    return {name: " ".join(messages) for name, messages in form.errors.items()}


def assert_nothing_stored(media_root):
    assert Image.objects.count() == 0
    assert Rendition.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_good_upload_is_stored_with_renditions_and_its_uploader(admin_client, admin_user):
    response = upload(admin_client, SimpleUploadedFile("Room Photo.JPG", picture_bytes()))

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height, image.uploaded_by) == (1000, 600, admin_user)
    assert image.file.name.endswith(".jpg") and "room-photo" in image.file.name
    assert image.renditions.count() == 4


def test_the_changelist_shows_thumbnail_size_alt_and_marker(admin_client, admin_user):
    upload(admin_client, SimpleUploadedFile("room.jpg", picture_bytes()))
    image = Image.objects.get()

    html = admin_client.get(reverse("admin:images_image_changelist")).content.decode()

    assert "-480w.jpg" in html and 'width="80"' in html
    assert "1000 × 600 px" in html
    assert "Two armchairs by a window." in html
    assert f"<code>[[image:{image.pk}]]</code>" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"Dear team, remember the meeting on Tuesday.\n" * 20, "isn't a picture"),
        ("photo.png", picture_bytes(image_format="PNG")[:300], "isn't a picture"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG images can't be uploaded",
        ),
        ("logo.png", b'<?xml version="1.0"?>\n<svg></svg>', "SVG images can't be uploaded"),
        ("scan.png", picture_bytes(image_format="TIFF"), "This is a TIFF picture"),
    ],
    ids=["renamed-text-file", "truncated-png", "svg", "svg-renamed-png", "tiff"],
)
def test_files_that_are_not_usable_pictures_are_refused(
    admin_client, media_root, name, content, message
):
    response = upload(admin_client, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert message in errors_of(response)["file"]
    assert_nothing_stored(media_root)


def test_a_12_mb_file_is_refused_before_it_is_decoded(admin_client, media_root):
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + bytes(12 * 1024 * 1024))

    response = upload(admin_client, big)

    assert "This file is 12.0 MB; the limit is 10 MB." in errors_of(response)["file"]
    assert_nothing_stored(media_root)


def test_an_upload_request_far_over_the_limit_is_refused_unread(
    admin_client, media_root, upload_handlers
):
    huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + bytes(25 * 1024 * 1024))

    response = upload(admin_client, huge)

    assert response.status_code == 413
    assert "at most 10 MB" in response.text
    assert upload_handlers.started == []
    assert_nothing_stored(media_root)


def test_a_file_sent_to_the_admin_by_someone_not_signed_in_is_refused_unread(
    client, db, upload_handlers
):
    picture = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + bytes(3 * 1024 * 1024))

    response = client.post("/admin/login/", {"username": "x", "file": picture})

    assert response.status_code == 403
    assert "Please sign in first" in response.text
    assert upload_handlers.started == []


def test_a_picture_with_too_many_pixels_is_refused(admin_client, media_root):
    buffer = io.BytesIO()
    PillowImage.new("1", (8000, 8000)).save(buffer, "PNG")  # 64 megapixels, a few KB

    response = upload(admin_client, SimpleUploadedFile("huge.png", buffer.getvalue()))

    assert "too many pixels" in errors_of(response)["file"]
    assert_nothing_stored(media_root)


def test_an_animated_gif_is_refused(admin_client, media_root):
    frames = [PillowImage.new("RGB", (50, 50), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])

    response = upload(admin_client, SimpleUploadedFile("spin.gif", buffer.getvalue()))

    assert "Animated pictures can't be uploaded" in errors_of(response)["file"]
    assert_nothing_stored(media_root)


def test_a_phone_photo_with_a_gain_map_is_stored_as_a_plain_jpeg(admin_client):
    # An iPhone HDR photo or a camera's Multi-Picture Object: a JPEG carrying a second picture,
    # which Pillow reports as format MPO, animated.
    exif = PillowImage.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 44.0, 54.0)})
    photo, gain_map = PillowImage.new("RGB", (1000, 600), "teal"), PillowImage.new("L", (160, 120))
    buffer = io.BytesIO()
    photo.save(buffer, "MPO", save_all=True, append_images=[gain_map], exif=exif.tobytes())
    with PillowImage.open(io.BytesIO(buffer.getvalue())) as sent:  # the test is real
        assert (sent.format, sent.is_animated) == ("MPO", True) and sent.getexif()

    response = upload(admin_client, SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue()))

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".jpg")
    with image.file.open("rb") as stored:
        saved = PillowImage.open(io.BytesIO(stored.read()))
    assert (saved.format, getattr(saved, "n_frames", 1)) == ("JPEG", 1)
    assert saved.size == (1000, 600) == (image.width, image.height)
    assert not saved.getexif() and "exif" not in saved.info and "mp" not in saved.info
    assert image.renditions.count() == 4


def test_missing_alt_text_is_refused_unless_decorative(admin_client, media_root):
    response = upload(admin_client, SimpleUploadedFile("a.jpg", picture_bytes()), alt_text="")

    assert "Describe what the image shows" in errors_of(response)["alt_text"]
    assert_nothing_stored(media_root)

    response = upload(
        admin_client, SimpleUploadedFile("a.jpg", picture_bytes()), alt_text="", decorative="on"
    )
    assert response.status_code == 302
    assert Image.objects.get().alt == ""


def test_alt_text_on_a_decorative_image_is_refused(admin_client, media_root):
    response = upload(admin_client, SimpleUploadedFile("a.jpg", picture_bytes()), decorative="on")

    assert "A decorative image has no alt text" in errors_of(response)["decorative"]
    assert_nothing_stored(media_root)


def test_exif_and_gps_location_are_stripped_and_orientation_applied(admin_client):
    exif = PillowImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 44.0, 54.0), 3: "W", 4: (73.0, 59.0, 9.0)})
    photo = picture_bytes((640, 480), exif=exif.tobytes())
    assert PillowImage.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD)  # the test is real

    upload(admin_client, SimpleUploadedFile("phone.jpg", photo))

    image = Image.objects.get()
    with image.file.open("rb") as stored:
        saved = PillowImage.open(io.BytesIO(stored.read()))
    assert not saved.getexif()
    assert "exif" not in saved.info
    assert saved.size == (480, 640) == (image.width, image.height)  # turned upright


def test_editing_the_alt_text_keeps_the_file_and_its_renditions(admin_client):
    upload(admin_client, SimpleUploadedFile("room.jpg", picture_bytes()))
    image = Image.objects.get()
    renditions = list(image.renditions.values_list("pk", flat=True))

    response = admin_client.post(
        reverse("admin:images_image_change", args=[image.pk]),
        {"title": "Room", "alt_text": "A quiet room with two armchairs.", "credit": ""},
    )

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "A quiet room with two armchairs."
    assert list(image.renditions.values_list("pk", flat=True)) == renditions


def test_content_editors_may_upload_images(client, db):
    from tests.inquiries.crm_factories import make_editor

    client.force_login(make_editor())

    response = upload(client, SimpleUploadedFile("room.jpg", picture_bytes()))

    assert response.status_code == 302
    assert Image.objects.get().uploaded_by.username == "editor"


def test_the_add_form_says_what_it_accepts(admin_client):
    html = admin_client.get(ADD_URL).content.decode()

    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in html
    assert "at most 10 MB" in html and "Location and camera details are removed" in html


def test_the_upload_form_marks_alt_text_required_and_says_what_makes_it_good(admin_client):
    html = admin_client.get(ADD_URL).content.decode()

    assert '<label class="required" for="id_alt_text">Alt text:</label>' in html
    assert 'aria-required="true"' in html
    assert "Start with what it is, not “Image of”" in html
    assert "admin_images/upload_preview.js" in html

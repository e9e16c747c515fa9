import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from images.models import Image


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a fresh folder per test, never into the repository's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def picture_bytes(size=(1000, 600), image_format="JPEG", mode="RGB", **save_options):
    picture = PillowImage.new(mode, size, (90, 140, 160) if mode == "RGB" else (90, 140, 160, 0))
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **save_options)
    return buffer.getvalue()


def make_image(size=(1000, 600), alt_text="A calm lake at dawn.", **fields):
    data = picture_bytes(size)
    image = Image(title=fields.pop("title", "Lake"), alt_text=alt_text, **fields)
    image.file = SimpleUploadedFile("lake.jpg", data, "image/jpeg")
    image.full_clean()
    image.save()
    return image


@pytest.fixture
def image(db):
    return make_image()

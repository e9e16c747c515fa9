"""Where a request may carry files: only in the admin, whose image library takes uploads.

Django reads a multipart body the first time anything asks for `request.POST`, writing
each file over 2.5 MB to a temporary file whatever its size, and CsrfViewMiddleware asks
before any view runs. So the check is made here, from the headers alone, before anything
reads the body: outside the admin a multipart POST is refused (415: the public form takes
text only), in the admin one too large to be read in memory from someone not signed in as
staff is refused (403), and one far over the image size limit is refused (413).
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from clinic.views import page_from_settings
from images.uploads import MAX_UPLOAD_BYTES

# Room above the 10 MB limit for the other fields and for telling an editor, on the form
# itself, how large a slightly oversized picture is; past this nothing is read.
MAX_ADMIN_UPLOAD_REQUEST_BYTES = 2 * MAX_UPLOAD_BYTES
MEGABYTE = 1024 * 1024


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a POST body is ever parsed into request.POST and request.FILES.
        if request.method == "POST" and request.content_type == "multipart/form-data":
            if not request.path_info.startswith(f"/{settings.ADMIN_PATH}"):
                return files_refused()
            size = _content_length(request)
            # Someone not signed in gets the admin's own answer (the sign-in page) only
            # for a body small enough to be read in memory: no file of theirs reaches disk.
            if not request.user.is_staff and not 0 < size <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
                return sign_in_first()
            if size > MAX_ADMIN_UPLOAD_REQUEST_BYTES:
                return upload_too_large(size)
        return self.get_response(request)


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refusal(status, *, heading, message, back_url, back_text):
    # Like the 500 page: cheap, and safe with the database down.
    return page_from_settings(
        "upload_refused.html",
        status=status,
        heading=heading,
        message=message,
        back_url=back_url,
        back_text=back_text,
    )


def files_refused():
    return _refusal(
        415,
        heading="Please send your message with the form",
        message="Our contact form doesn't take files or attachments, so we couldn't accept "
        "what was sent. Please type your message in the form instead.",
        back_url=reverse("inquiries:create"),
        back_text="Go to the contact form",
    )


def sign_in_first():
    return _refusal(
        403,
        heading="Please sign in first",
        message="Only signed-in staff can upload files.",
        back_url=reverse("admin:login"),
        back_text="Go to the sign-in page",
    )


def _images_admin_url():
    try:
        return reverse("admin:images_image_changelist")
    except NoReverseMatch:  # the image library is not in the admin
        return f"/{settings.ADMIN_PATH}"


def upload_too_large(size):
    limit = MAX_UPLOAD_BYTES // MEGABYTE
    return _refusal(
        413,
        heading="This upload is too large",
        message=f"What was sent is {size / MEGABYTE:.1f} MB; a picture can be at most "
        f"{limit} MB. Please save a smaller copy and upload that.",
        back_url=_images_admin_url(),
        back_text="Back to the images",
    )

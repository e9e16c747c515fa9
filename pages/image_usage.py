"""Which pages show an image, and keeping their stored HTML current when it changes.

A page's body HTML holds its images' markup (made at save), so a changed alt text or a
new file means re-rendering the pages that use the image; a deleted image drops out of
them (a social image is unset by its foreign key). Either way the page cache starts afresh.
"""

from django.db.models import Q

from pages import content_version
from pages.models import Page
from pages.rendering import image_ids_in


def _body_users(image_pk):
    # The substring narrows in SQL ("[[image:1" also finds 12); the parser decides.
    candidates = Page.objects.filter(body__contains=f"[[image:{image_pk}")
    return [page for page in candidates if image_pk in image_ids_in(page.body)]


def pages_using(image):
    """The pages whose body or social image is this image, by title."""
    body_pks = [page.pk for page in _body_users(image.pk)]
    return list(Page.objects.filter(Q(pk__in=body_pks) | Q(social_image=image)).order_by("title"))


def rerender_pages_using(sender, instance=None, image=None, **kwargs):
    """Receiver for image_changed (image=) and the Image post_delete (instance=)."""
    image = image or instance
    for page in _body_users(image.pk):
        page.render()
        # Only the stored HTML changes: no new revision, no new updated_at.
        Page.objects.filter(pk=page.pk).update(body_html=page.body_html, toc_html=page.toc_html)
    content_version.bump()

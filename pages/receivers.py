"""Changes that start in another app and change what the public pages show.

Edits of pages, FAQs and references go through pages.services.save_page, which refreshes
everything itself; only these arrive from outside, as signals:

- an image saved (a new file, new alt text) or deleted: the pages that show it re-render
  their stored HTML (pages/image_usage.py);
- a clinician, location or opening hours saved or deleted: the team, locations and
  "reviewed by" lines are on cached pages, so the page cache starts afresh.
"""

from django.db.models.signals import post_delete, post_save


def connect():
    from clinicfacts.models import Clinician, Location, OpeningHours
    from images.models import Image
    from images.signals import image_changed
    from pages.image_usage import rerender_pages_using

    image_changed.connect(rerender_pages_using, dispatch_uid="pages-image-changed")
    post_delete.connect(rerender_pages_using, sender=Image, dispatch_uid="pages-image-deleted")
    for model in (Clinician, Location, OpeningHours):
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                clinic_facts_changed,
                sender=model,
                dispatch_uid=f"pages-clinicfacts-{name}-{model.__name__}",
            )


def clinic_facts_changed(**kwargs):
    from pages import content_version

    content_version.bump()

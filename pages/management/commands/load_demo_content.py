from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction

from clinicfacts.demo_content import LOCATION, sync_clinic_facts
from clinicfacts.models import Clinician, Location
from consultations.demo_content import sync_consultation_times
from images.models import Image
from images.uploads import cleaned_upload
from pages.demo_content import (
    DEMO_IMAGE,
    DEMO_IMAGE_MARKER,
    DEMO_PAGES,
    LAST_REVIEWED,
    REVIEWER_NAME,
)
from pages.models import FAQ, Page, Reference
from pages.services import RowChanges, save_page


def _sync(obj, values):
    """Set values on obj and save it only if one differs: updated_at must not move."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.full_clean()
        obj.save()
    return bool(changed)


def _sync_demo_image():
    """The demo illustration in the image library, imported (and its renditions made) once."""
    values = {"alt_text": DEMO_IMAGE["alt_text"], "credit": DEMO_IMAGE["credit"]}
    image = Image.objects.filter(title=DEMO_IMAGE["title"]).first()
    if image is not None:
        _sync(image, values)
        return image
    image = Image(title=DEMO_IMAGE["title"], **values)
    with DEMO_IMAGE["path"].open("rb") as original:
        image.file = cleaned_upload(File(original, name=DEMO_IMAGE["path"].name))
    image.full_clean()
    image.save()
    return image


def _page_values(spec, reviewer, demo_image):
    parent = Page.objects.get(path=spec["parent"]) if spec["parent"] else None
    values = {
        "parent": parent,
        "slug": spec["slug"],
        "title": spec["title"],
        "navigation_title": spec.get("navigation_title", ""),
        "summary": spec["summary"],
        "body": spec["body"].replace(DEMO_IMAGE_MARKER, demo_image.marker),
        "status": Page.Status.PUBLISHED,
        "show_in_navigation": spec["show_in_navigation"],
        "navigation_order": spec["navigation_order"],
        "reviewer": reviewer,
        "last_reviewed": LAST_REVIEWED,
    }
    if "social_image" in spec:
        values["social_image"] = demo_image
    return values


def _row_changes(page, model, rows, make_values):
    """The FAQs or references to save, keyed by their order on the page (unsaved)."""
    existing = {row.order: row for row in model.objects.filter(page=page)} if page.pk else {}
    changes = RowChanges()
    for order, row in enumerate(rows, start=1):
        values = make_values(*row)
        stored = existing.get(order) or model(page=page, order=order)
        if stored.pk is None or any(getattr(stored, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(stored, name, value)
            changes.save.append(stored)
    return changes


def _sync_page(spec, reviewer, demo_image):
    """Create or update one demo page through the save pipeline (a revision each time
    it changes, by no user); an unchanged page is not saved at all."""
    values = _page_values(spec, reviewer, demo_image)
    path = (values["parent"].path if values["parent"] else "/") + spec["slug"] + "/"
    page = Page.objects.filter(path=path).first() or Page()
    outcome = "created" if page.pk is None else "unchanged"
    changed = [name for name, value in values.items() if getattr(page, name, None) != value]
    for name in changed:
        setattr(page, name, values[name])
    faqs = _row_changes(page, FAQ, spec["faqs"], lambda q, a: {"question": q, "answer": a})
    references = _row_changes(
        page, Reference, spec["references"], lambda c, u: {"citation": c, "url": u}
    )
    if outcome == "unchanged" and (changed or faqs or references):
        outcome = "updated"
    if outcome != "unchanged":
        page.full_clean()
        save_page(page, faqs=faqs, references=references)
    return outcome


class Command(BaseCommand):
    help = "Load the demo pages (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with transaction.atomic():
            sync_clinic_facts(_sync)
            sync_consultation_times(Location.objects.get(name=LOCATION["name"]))
            reviewer = Clinician.objects.get(name=REVIEWER_NAME)
            demo_image = _sync_demo_image()
            for spec in DEMO_PAGES:
                counts[_sync_page(spec, reviewer, demo_image)] += 1
        self.stdout.write(
            self.style.SUCCESS(
                "Demo content is up to date: {created} pages created, {updated} updated, "
                "{unchanged} unchanged.".format(**counts)
            )
        )

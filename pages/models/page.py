"""The Page: its fields, what its own save derives from them, and what it says about itself.

Editing a page (with its FAQs and references) is pages.services.save_page.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pages.crisis_lines import mentions_crisis
from pages.models.parts import FAQ
from pages.models.queries import PageQuerySet
from pages.models.rules import (
    REVIEW_DUE_SOON,
    REVIEW_INTERVAL,
    SUMMARY_MAX_LENGTH,
    reserved_slugs,
    validate_page_slug,
    validate_summary_length,
)
from pages.readability import above_target, grade_html, reading_target
from pages.rendering import (
    CTA_MARKER,
    has_marker,
    image_marker_errors,
    render_body,
)


class Page(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(
        max_length=200,
        help_text="The page's heading, also the start of the browser tab and search result title.",
    )
    slug = models.CharField(
        max_length=80,
        validators=[validate_page_slug],
        help_text="The last part of the address, e.g. ketamine-for-ptsd.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The section this page sits in (its address nests under the section's).",
    )
    path = models.CharField(
        max_length=255,
        unique=True,
        editable=False,
        help_text="The page's address, built from the parent's address and the slug.",
    )
    summary = models.TextField(
        validators=[validate_summary_length],
        help_text=(
            f"At most {SUMMARY_MAX_LENGTH} characters. Shown under the title, on cards "
            "and in search results."
        ),
    )
    body = models.TextField(
        help_text=(
            "Markdown. Use ## for sections and ### for sub-sections: they build the table "
            f"of contents. Put {CTA_MARKER} on its own line where the “Talk to our team” box "
            "belongs (it follows the body otherwise). A page that mentions suicide or "
            "self-harm shows the crisis lines near the top by itself; [[crisis-lines]] on its "
            "own line also shows them where it stands."
        )
    )
    body_html = models.TextField(editable=False, blank=True)
    toc_html = models.TextField(editable=False, blank=True)
    mentions_crisis = models.BooleanField(
        default=False,
        editable=False,
        help_text=(
            "The title, summary, body or an FAQ mentions suicide or self-harm, so the page "
            "shows the crisis lines near the top. Set on save."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        default=timezone.now,
        help_text="A published page goes live at this time; a future time publishes it then.",
    )
    reviewer = models.ForeignKey(
        "clinicfacts.Clinician",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_pages",
        help_text="The clinician who medically reviewed the page (from the clinic's team).",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the reviewer last checked the page."
    )
    next_review = models.DateField(
        null=True,
        blank=True,
        help_text="When the page is next due for review; a year after the last review if blank.",
    )
    social_image = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when the page is shared on social media or in a messaging app.",
    )
    reading_grade = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        editable=False,
        help_text="Flesch-Kincaid grade of the body, computed on save.",
    )
    smog_grade = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        editable=False,
        help_text="SMOG grade of the body, computed on save.",
    )
    # Title > summary > body > FAQs, kept current on save; PostgreSQL only (see pages/search.py).
    search_vector = SearchVectorField(null=True, editable=False)
    show_in_navigation = models.BooleanField(
        default=False, help_text="List the page in the site's main navigation."
    )
    navigation_title = models.CharField(
        max_length=60, blank=True, help_text="A shorter navigation label; the title if blank."
    )
    navigation_order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first in navigation and listings."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="When the content last really changed (the sitemap's lastmod).",
    )

    objects = PageQuerySet.as_manager()

    # A save changes updated_at only when one of these differs from the stored row.
    CONTENT_FIELDS = (
        "title",
        "slug",
        "parent_id",
        "summary",
        "body",
        "status",
        "publish_at",
        "reviewer_id",
        "last_reviewed",
        "next_review",
        "social_image_id",
        "show_in_navigation",
        "navigation_title",
        "navigation_order",
    )

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["status", "publish_at"]),
            GinIndex(fields=["search_vector"], name="page_search_vector_gin"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Store the row with the fields it derives from itself (its address, a review
        date). An edit goes through pages.services.save_page, which renders the body, saves
        the FAQs and references, keeps a revision, and refreshes search and the cache."""
        self.path = self.build_path()
        if self.next_review is None and self.last_reviewed is not None:
            self.next_review = self.last_reviewed + REVIEW_INTERVAL
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "path", "next_review"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.path

    def render(self, *, faqs=None):
        """The body's stored HTML, table of contents, reading grades and crisis flag, from
        one conversion of the Markdown. faqs (their words count for the crisis flag)
        default to the stored ones; the save pipeline and a draft's preview pass their own."""
        if faqs is None:
            faqs = FAQ.objects.filter(page_id=self.pk) if self.pk else []
        self.mentions_crisis = mentions_crisis(self, faqs)
        rendered = render_body(self.body, self.path, crisis_at_top=self.mentions_crisis)
        self.body_html, self.toc_html = rendered.html, rendered.toc
        self.reading_grade, self.smog_grade = grade_html(rendered.prose_html)

    @property
    def nav_title(self):
        return self.navigation_title or self.title

    @property
    def is_live(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def review_due(self):
        """The next review date (a year after the last review until saved); None if never."""
        if self.next_review:
            return self.next_review
        return self.last_reviewed + REVIEW_INTERVAL if self.last_reviewed else None

    @property
    def review_overdue(self):
        return self.last_reviewed is None or self.review_due < timezone.localdate()

    @property
    def review_due_soon(self):
        """Due within REVIEW_DUE_SOON and not yet overdue."""
        today = timezone.localdate()
        return not self.review_overdue and self.review_due <= today + REVIEW_DUE_SOON

    @property
    def upcoming_review(self):
        """The next review date while it is still ahead (by the clinic's date); None once
        it is due, so patients are never shown a due date that has passed."""
        due = self.review_due
        return due if due and due > timezone.localdate() else None

    @property
    def reading_grade_target(self):
        return reading_target()

    @property
    def reading_grade_above_target(self):
        return above_target(self.reading_grade)

    @property
    def cta_in_body(self):
        return has_marker(self.body, CTA_MARKER)

    def ancestor_paths(self):
        """['/treatments/'] for /treatments/ketamine-for-ptsd/."""
        segments = self.path.strip("/").split("/")[:-1]
        return ["/" + "/".join(segments[: i + 1]) + "/" for i in range(len(segments))]

    def build_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.slug}/"

    def clean(self):
        errors = {}
        if self.parent_id and self._parent_cycle():
            errors["parent"] = (
                "A page can't sit under itself or under one of its own sub-pages. "
                "Choose a parent outside this page's section."
            )
        if self.parent_id is None and self.slug in reserved_slugs():
            errors["slug"] = (
                f"“{self.slug}” is used by a fixed address of the site (/{self.slug}/). "
                "Choose another slug."
            )
        if self.slug and "parent" not in errors and "slug" not in errors:
            message = self._path_clash()
            if message:
                errors["slug"] = message
        # A marker the stored body already has is let be (its image may be gone since).
        stored_body = Page.objects.filter(pk=self.pk).values_list("body", flat=True).first()
        stored_body = stored_body or ""
        if image_errors := image_marker_errors(self.body or "", stored_text=stored_body):
            errors["body"] = image_errors
        if errors:
            raise ValidationError(errors)

    def _parent_cycle(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                return True
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        return False

    def _path_clash(self):
        # Paths nest, so when this address is free, so are those of the sub-pages it takes along.
        new_path = self.build_path()
        taken = Page.objects.filter(path=new_path).exclude(pk=self.pk).first()
        if taken:
            return (
                f"The address {new_path} is already used by the page “{taken.title}”. "
                "Choose another slug or parent."
            )
        return None

"""The Page: its fields, what a save derives from them, and its verbs (publish, review)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from pages.crisis_lines import mentions_crisis
from pages.models.history import PageRedirect
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
from pages.readability import above_target, grade_body, reading_target
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
        old_path = self._stored_value("path")
        self.path = self.build_path()
        self._schedule_next_review()
        if self._content_changed():
            self.updated_at = timezone.now()
        self.render()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "path",
                "body_html",
                "toc_html",
                "mentions_crisis",
                "updated_at",
                "next_review",
                "reading_grade",
                "smog_grade",
            }
        with transaction.atomic():
            super().save(*args, **kwargs)
            # A page now lives here, so an older redirect from this address must go.
            PageRedirect.objects.filter(old_path=self.path).delete()
            if old_path and old_path != self.path:
                self._moved_from(old_path)
        self._remember_stored()

    def get_absolute_url(self):
        return self.path

    def render(self, *, faqs=None):
        """The body's stored HTML, table of contents, reading grades and crisis flag.

        A few milliseconds even for the longest page, so done on every save. faqs default
        to the stored ones; a draft's preview passes its own.
        """
        if faqs is None:
            faqs = FAQ.objects.filter(page_id=self.pk) if self.pk else []
        self.mentions_crisis = mentions_crisis(self, faqs)
        self.body_html, self.toc_html = render_body(
            self.body, self.path, crisis_at_top=self.mentions_crisis
        )
        self.reading_grade, self.smog_grade = grade_body(self.body)

    def refresh_crisis_lines(self):
        """After an FAQ is saved or deleted: its words count, so the flag may change (and
        with it how a [[crisis-lines]] marker renders)."""
        from pages.cache import content_changed

        flag = mentions_crisis(self, FAQ.objects.filter(page_id=self.pk))
        # Compared with the stored row: this instance may be older than the database.
        if not Page.objects.filter(pk=self.pk).exclude(mentions_crisis=flag).exists():
            self.mentions_crisis = flag
            return
        self.render()
        Page.objects.filter(pk=self.pk).update(
            mentions_crisis=self.mentions_crisis, body_html=self.body_html, toc_html=self.toc_html
        )
        content_changed()

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None:
            self._remember_stored()
        else:
            # Loading a deferred field: only what was read is known to be stored; the
            # other fields may hold unsaved edits that a save must still notice.
            loaded = {self._meta.get_field(name).attname for name in fields}
            self._stored = {
                **getattr(self, "_stored", {}),
                **{name: getattr(self, name) for name in loaded},
            }

    @classmethod
    def from_db(cls, db, field_names, values):
        page = super().from_db(db, field_names, values)
        page._stored = dict(zip(field_names, values, strict=True))
        return page

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

    def _schedule_next_review(self):
        """A year after the last review, unless the editor chose the date themselves.

        Blank, or left as it was while the last review date changed: the editor didn't
        choose, so it follows the review. A date changed in the same save is kept.
        """
        if self.last_reviewed is None:
            return
        review_moved = self._stored_value("last_reviewed") != self.last_reviewed
        date_untouched = self._stored_value("next_review") == self.next_review
        if self.next_review is None or (review_moved and date_untouched):
            self.next_review = self.last_reviewed + REVIEW_INTERVAL

    def _remember_stored(self):
        """What the row holds now: later saves compare against it."""
        self._stored = {field.attname: getattr(self, field.attname) for field in self._meta.fields}

    def _stored_value(self, name):
        return getattr(self, "_stored", {}).get(name)

    def _content_changed(self):
        stored = getattr(self, "_stored", None)
        if stored is None:
            return True
        return any(stored.get(name) != getattr(self, name) for name in self.CONTENT_FIELDS)

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
        stored_body = self._stored_value("body") or ""
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

    def _moved_from(self, old_path):
        """Keep the old address working (301) and move the sub-pages along."""
        PageRedirect.objects.update_or_create(old_path=old_path, defaults={"page": self})
        for child in self.children.all():
            child.parent = self
            child.save()

    def publish(self, *, at=None):
        self.status = self.Status.PUBLISHED
        self.publish_at = at or timezone.now()
        self.save(update_fields=["status", "publish_at"])

    def unpublish(self):
        self.status = self.Status.DRAFT
        self.save(update_fields=["status"])

    def touch(self):
        """Record a content change made outside the page row (an FAQ or a reference)."""
        self.updated_at = timezone.now()
        Page.objects.filter(pk=self.pk).update(updated_at=self.updated_at)

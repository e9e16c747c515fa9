from django.db import models

from clinic.context_processors import tel_href


class Clinician(models.Model):
    """A member of the clinical team: listed on "Our team" and able to review pages."""

    name = models.CharField(
        max_length=120, help_text="As patients see it, e.g. Dr. Dana Whitfield."
    )
    credentials = models.CharField(
        max_length=160, blank=True, help_text="e.g. MD, board-certified psychiatrist."
    )
    role = models.CharField(
        max_length=120, blank=True, help_text="Their job at the clinic, e.g. Medical director."
    )
    bio = models.TextField(
        max_length=800,
        blank=True,
        help_text="A short introduction, in plain words (800 characters at most).",
    )
    photo = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait from the image library.",
    )
    email = models.EmailField(
        blank=True,
        help_text="Where reminders about the pages they review are sent. Never shown on the site.",
    )
    show_on_team_page = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first on the team page."
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class LocationQuerySet(models.QuerySet):
    def with_hours(self):
        """Each location with its opening hours, Monday first, in two queries."""
        return self.prefetch_related(
            models.Prefetch(
                "opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")
            )
        )


class Location(models.Model):
    """A place patients come to, with its opening hours."""

    name = models.CharField(max_length=120, help_text="e.g. Riverside clinic.")
    street_address = models.CharField(max_length=200)
    locality = models.CharField("city", max_length=100)
    region = models.CharField("state", max_length=100)
    postal_code = models.CharField("ZIP code", max_length=20)
    country = models.CharField(
        max_length=2, default="US", help_text="Two-letter country code, e.g. US."
    )
    phone = models.CharField(max_length=40, help_text="As patients should dial it.")
    map_url = models.URLField(
        "map link",
        max_length=500,
        blank=True,
        help_text="A link to the address on a map site (opened in a new page, never embedded).",
    )
    directions = models.TextField(
        blank=True, help_text="Parking, entrances, accessibility: what helps on the first visit."
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def phone_href(self):
        return tel_href(self.phone)


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["location", "weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_hours_close_after_opening",
                violation_error_message="Closing time must be later than opening time.",
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

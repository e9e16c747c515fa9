from django.db import models


class Topic(models.Model):
    """A topic of interest shown on the form; staff edit the list in the admin."""

    name = models.CharField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    is_active = models.BooleanField(default=True, help_text="Shown on the public form.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

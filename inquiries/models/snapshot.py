from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class DashboardSnapshot(models.Model):
    """The dashboard's figures as the job computed them last (inquiries/dashboard_snapshot.py):
    staff requests read this one row and never compute the figures themselves."""

    figures = models.JSONField(encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(help_text="How long computing them took.")

    def __str__(self):
        return f"Dashboard figures of {self.computed_at:%Y-%m-%d %H:%M}"

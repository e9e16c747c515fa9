from django.db import models


class JobRun(models.Model):
    """The record of one scheduled job (clinic/jobs.py): when it last ran and last
    succeeded, for the dashboard's health panel and the guard against doubled runs."""

    name = models.CharField(max_length=50, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self):
        return self.name

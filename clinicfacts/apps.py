from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ClinicFactsConfig(AppConfig):
    name = "clinicfacts"
    verbose_name = "The clinic's facts"

    def ready(self):
        from clinicfacts.models import Clinician, Location, OpeningHours
        from pages.cache import content_changed

        # The team, locations and reviewer lines are on cached public pages.
        for model in (Clinician, Location, OpeningHours):
            for signal, name in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(
                    content_changed,
                    sender=model,
                    dispatch_uid=f"clinicfacts-cache-{name}-{model.__name__}",
                )

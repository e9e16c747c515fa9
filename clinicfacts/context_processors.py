from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject


def _main_location():
    from clinicfacts.models import Location

    try:
        return Location.objects.first()
    except DatabaseError:
        # The error pages show the footer too; they fall back to the settings' address.
        return None


def main_location(request):
    """The first location, for the footer; queried only when a template shows it."""
    return {"main_location": SimpleLazyObject(_main_location)}

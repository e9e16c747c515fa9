"""schema.org MedicalClinic JSON-LD for the home page, from the staff-edited locations."""

from django.conf import settings

from clinicfacts.models import Location, OpeningHours
from pages.structured_data import to_script_json

SCHEMA_DAYS = {day.value: f"https://schema.org/{day.label}" for day in OpeningHours.Weekday}


def opening_hours_specification(location):
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": SCHEMA_DAYS[hours.weekday],
            "opens": f"{hours.opens:%H:%M}",
            "closes": f"{hours.closes:%H:%M}",
        }
        for hours in location.opening_hours.all()
    ]


def clinic_block(location, name):
    return {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": name,
        "url": settings.SITE_URL + "/",
        "telephone": location.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street_address,
            "addressLocality": location.locality,
            "addressRegion": location.region,
            "postalCode": location.postal_code,
            "addressCountry": location.country,
        },
        "openingHoursSpecification": opening_hours_specification(location),
        "medicalSpecialty": "https://schema.org/Psychiatric",
    }


def clinic_json_ld():
    """One MedicalClinic per location (named after the clinic, plus the place if several)."""
    locations = list(Location.objects.with_hours())
    blocks = []
    for location in locations:
        name = settings.CLINIC_NAME
        if len(locations) > 1:
            name = f"{settings.CLINIC_NAME}, {location.name}"
        blocks.append(to_script_json(clinic_block(location, name)))
    return blocks

"""The demo clinic's team and location, loaded by `manage.py load_demo_content`.

Both clinicians and the address are placeholders for the demo site (555 numbers, an
example street); a real clinic replaces them in the admin.
"""

from datetime import time

from clinicfacts.models import Clinician, Location, OpeningHours

CLINICIANS = [
    {
        "name": "Dr. Dana Whitfield",
        "credentials": "MD, board-certified psychiatrist",
        "role": "Medical director",
        "bio": (
            "Dana has treated depression and trauma for fifteen years, first in a veterans' "
            "hospital and now here. She reviews every page on this site and sees each new "
            "patient before their first treatment."
        ),
        "email": "dana.whitfield@example.com",
        "order": 1,
    },
    {
        "name": "Marcus Bell",
        "credentials": "PMHNP-BC, psychiatric nurse practitioner",
        "role": "Treatment lead",
        "bio": (
            "Marcus stays with patients through every session, checks blood pressure and "
            "comfort along the way, and is the person most patients talk to between visits."
        ),
        "email": "marcus.bell@example.com",
        "order": 2,
    },
]

LOCATION = {
    "name": "Riverside clinic",
    "street_address": "100 Example Street, Suite 2",
    "locality": "Springfield",
    "region": "ST",
    "postal_code": "00000",
    "country": "US",
    "phone": "+1 555 010 0100",
    "map_url": "https://www.openstreetmap.org/search?query=100%20Example%20Street%20Springfield",
    "directions": (
        "Free parking behind the building. The entrance is step-free and the treatment "
        "rooms are on the ground floor. Please bring someone to drive you home."
    ),
    "order": 1,
}

# (weekday, opens, closes): weekdays 8:00-18:00, Saturday mornings.
OPENING_HOURS = [(day, time(8), time(18)) for day in range(5)] + [(5, time(9), time(13))]


def sync_clinic_facts(sync):
    """Create or update the demo team and location; `sync(obj, values)` saves only changes."""
    for values in CLINICIANS:
        clinician = Clinician.objects.filter(name=values["name"]).first()
        if clinician is None:
            Clinician.objects.create(**values)
        else:
            sync(clinician, values)
    location = Location.objects.filter(name=LOCATION["name"]).first()
    if location is None:
        location = Location.objects.create(**LOCATION)
    else:
        sync(location, LOCATION)
    for weekday, opens, closes in OPENING_HOURS:
        OpeningHours.objects.get_or_create(
            location=location, weekday=weekday, defaults={"opens": opens, "closes": closes}
        )

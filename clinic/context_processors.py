from django.conf import settings


def clinic_details():
    """The clinic's public details, from settings only (safe with the database down)."""
    return {
        "clinic": {
            "name": settings.CLINIC_NAME,
            "phone": settings.CLINIC_PHONE,
            "phone_href": "tel:" + "".join(c for c in settings.CLINIC_PHONE if c in "+0123456789"),
            "email": settings.CLINIC_EMAIL,
            "address": settings.CLINIC_ADDRESS,
        }
    }


def clinic(request):
    return clinic_details()

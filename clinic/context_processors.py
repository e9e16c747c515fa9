from django.conf import settings


def tel_href(number):
    """A tel: link for a number as people write it: "+1 555 010 0100" -> "tel:+15550100100"."""
    return "tel:" + "".join(char for char in number if char in "+0123456789")


def clinic_details():
    """The clinic's public details, from settings only (safe with the database down)."""
    return {
        "clinic": {
            "name": settings.CLINIC_NAME,
            "phone": settings.CLINIC_PHONE,
            "phone_href": tel_href(settings.CLINIC_PHONE),
            "email": settings.CLINIC_EMAIL,
            "address": settings.CLINIC_ADDRESS,
        }
    }


def clinic(request):
    return clinic_details()

from clinic.net import client_ip_hash
from staff.models import AuditEntry

OBJECT_ID_MAX = AuditEntry._meta.get_field("object_id").max_length
DETAIL_MAX = AuditEntry._meta.get_field("detail").max_length
PATH_MAX = AuditEntry._meta.get_field("path").max_length


def _storable(text, max_length):
    # PostgreSQL refuses NUL in text, and a hostile query string must not turn the
    # audit write (and so the page) into a 500.
    return str(text).replace("\x00", "\ufffd")[:max_length]


def record_access(request, action, *, object_type, object_id="", detail=""):
    """Append one audit entry for what the signed-in staff member just did."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return AuditEntry.objects.create(
        actor_id=user.pk if signed_in else None,
        actor_username=user.get_username() if signed_in else "",
        action=action,
        object_type=object_type,
        object_id=_storable(object_id, OBJECT_ID_MAX),
        detail=_storable(detail, DETAIL_MAX),
        path=_storable(request.get_full_path(), PATH_MAX),
        ip_hash=client_ip_hash(request),
    )

from clinic.net import client_ip, hash_ip
from staff.models import AuditEntry


def record_access(request, action, *, object_type, object_id="", detail=""):
    """Append one audit entry for what the signed-in staff member just did."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return AuditEntry.objects.create(
        actor_id=user.pk if signed_in else None,
        actor_username=user.get_username() if signed_in else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
        path=request.get_full_path()[:300],
        ip_hash=hash_ip(client_ip(request)),
    )

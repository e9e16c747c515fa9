"""The client's address, read the same way everywhere (rate limits, lockouts, audit)."""

import hashlib
import hmac

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or the proxy's X-Forwarded-For entry when we sit behind one."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The load balancer appends the address it saw; earlier entries are client-supplied.
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def hash_ip(ip):
    """A salted hash: lets us tell repeat visitors apart without storing the address."""
    key = settings.IP_HASH_SALT.encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def client_ip_hash(request):
    return hash_ip(client_ip(request))

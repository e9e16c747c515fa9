"""Django's Signer, built once per salt and set of secret keys rather than per use, and
with each key's HMAC key derived once rather than per signature.

Building a Signer reads and checks the settings, and each signature Django makes hashes
the salt and secret key into an HMAC key before it hashes the value: together about 3%
of a form POST's instructions, which signs or checks two values. The signatures are
Django's, byte for byte, so values signed either way check either way. A changed
SECRET_KEY (or its fallbacks) gets new Signers.
"""

import functools
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.utils.encoding import force_bytes


def signer(salt):
    return _signer(salt, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


@functools.lru_cache(maxsize=32)
def _signer(salt, key, fallback_keys):
    return KeyedSigner(key=key, salt=salt, fallback_keys=list(fallback_keys))


class KeyedSigner(signing.Signer):
    """Signs as Django's Signer does (django.utils.crypto.salted_hmac), keeping the HMAC
    key derived from each secret key."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._hmac_keys = {}

    def signature(self, value, key=None):
        mac = hmac.digest(self._hmac_key(key or self.key), force_bytes(value), self.algorithm)
        return signing.b64_encode(mac).decode()

    def _hmac_key(self, key):
        if key not in self._hmac_keys:
            hasher = getattr(hashlib, self.algorithm)
            salt = force_bytes(self.salt + "signer")
            self._hmac_keys[key] = hasher(salt + force_bytes(key)).digest()
        return self._hmac_keys[key]

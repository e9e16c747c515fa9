"""Django's Signer, built once per salt and set of secret keys rather than per use.

Building a Signer reads and checks the settings; a form POST signs or checks three
values, and building their Signers was 1% of its instructions. A changed SECRET_KEY
(or its fallbacks) gets new Signers.
"""

import functools

from django.conf import settings
from django.core import signing


def signer(salt):
    return _signer(salt, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


@functools.lru_cache(maxsize=32)
def _signer(salt, key, fallback_keys):
    return signing.Signer(key=key, salt=salt, fallback_keys=list(fallback_keys))

"""Django's Redis cache backend, made to cost speed and never a page when Redis is down.

Every caller of the cache (the page cache, the dashboard, the rate limit, sessions if
ever moved there) treats the cache as optional, so the rule lives here once instead of a
try/except at each call: a failed read is a miss, a failed write is skipped, and the
outage is logged once by clinic.outages. While Redis is down it is tried at most once a
second, so a Redis that hangs costs one socket timeout a second rather than one per call.

Only `incr` still raises (after recording the outage): a counter that silently answered
"nothing" would be a wrong number, and its callers decide what to do without one.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from clinic import outages


class CacheUnavailable(RedisError):
    """Raised by `incr` while Redis is known to be down and not yet due another try."""


class ResilientRedisCache(RedisCache):
    def _call(self, method, *args, fallback=None):
        if not outages.cache.worth_trying():
            return fallback
        try:
            result = method(*args)
        except RedisError as error:
            outages.cache.failed(error)
            return fallback
        outages.cache.answered()
        return result

    def get(self, key, default=None, version=None):
        return self._call(super().get, key, default, version, fallback=default)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, keys, version, fallback={})

    def has_key(self, key, version=None):
        return self._call(super().has_key, key, version, fallback=False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, key, value, timeout, version, fallback=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, data, timeout, version, fallback=list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, key, timeout, version, fallback=False)

    def delete(self, key, version=None):
        return self._call(super().delete, key, version, fallback=False)

    def delete_many(self, keys, version=None):
        self._call(super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        if not outages.cache.worth_trying():
            raise CacheUnavailable("Redis is down")
        try:
            result = super().incr(key, delta, version)
        except RedisError as error:
            outages.cache.failed(error)
            raise
        outages.cache.answered()
        return result

    def run_script(self, key, script, *args):
        """Run a Lua script on the key's server (the rate limit's atomic count). Raises
        CacheUnavailable or RedisError when Redis doesn't answer, after recording it."""
        if not outages.cache.worth_trying():
            raise CacheUnavailable("Redis is down")
        redis_key = self.make_and_validate_key(key)
        try:
            result = self._cache.get_client(redis_key, write=True).eval(script, 1, redis_key, *args)
        except RedisError as error:
            outages.cache.failed(error)
            raise
        outages.cache.answered()
        return result

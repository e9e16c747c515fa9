"""Django's Redis cache backend, minus a per-call cost.

Django builds a new redis.Redis client for every cache operation, and each one fills
a table of ~170 response callbacks: about a third of a cached page view's time. The
client only wraps the connection pool, so one per pool per process is enough (the pool
itself notices a fork and reconnects).
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def count_in_window(self, key, window_seconds):
        """Add one to a counter that lives `window_seconds` from its first count; return
        the new count. One round trip: SET NX starts the window (with its expiry) only
        if none is running, and MULTI/EXEC keeps the key from expiring between the two
        commands, which would leave a counter that never expires."""
        key = self.make_and_validate_key(key)
        pipeline = self._cache.get_client(key, write=True).pipeline(transaction=True)
        pipeline.set(key, 0, ex=window_seconds, nx=True)
        pipeline.incr(key)
        _started, count = pipeline.execute()
        return count

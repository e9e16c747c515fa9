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

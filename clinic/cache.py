"""Django's Redis cache backend, minus a per-call cost.

Django builds a new redis.Redis client for every cache operation, and each one fills
a table of ~170 response callbacks: about a third of a cached page view's time. The
client only wraps the connection pool, so one per pool per process is enough (the pool
itself notices a fork and reconnects).
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

COUNT_IN_WINDOW = """
local count = redis.call("INCR", KEYS[1])
if count == 1 then
  redis.call("EXPIRE", KEYS[1], ARGV[1])
end
return count
"""


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
        self._count_script = None

    def count_in_window(self, key, window_seconds):
        """Add one to a counter that lives `window_seconds` from its first count; return
        the new count. One round trip, atomic in Redis (a Lua script), so the counter
        always gets its expiry and two workers never both start a window."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        if self._count_script is None:  # one Script (its SHA) serves every client
            self._count_script = client.register_script(COUNT_IN_WINDOW)
        return self._count_script(keys=[key], args=[window_seconds], client=client)

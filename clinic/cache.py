"""Django's Redis cache backend, minus per-call costs.

Django builds a new redis.Redis client for every cache operation, and each one fills
a table of ~170 response callbacks: about a third of a cached page view's time. The
client only wraps the connection pool, so one per pool per process is enough (the pool
itself notices a fork and reconnects).

The two reads on every hot request (a cached page's `get_many`, the form's rate-limit
count) go further: straight to a connection this process holds. Through the client
and its pool, each command also takes a lock, checks the process id twice and polls
the socket before sending; on a small virtual machine those system calls cost more
than the round trip itself (~250 µs of CPU per command against ~150 µs held).
"""

import os

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError

COUNT_IN_WINDOW = """
local count = redis.call("INCR", KEYS[1])
if count == 1 then
  redis.call("EXPIRE", KEYS[1], ARGV[1])
end
return count
"""

# Bumped in a forked child, so a connection opened before the fork is never shared
# with the parent (gunicorn with --preload forks after loading the app).
_forks = 0


def _count_fork():
    global _forks
    _forks += 1


os.register_at_fork(after_in_child=_count_fork)


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._held = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get_many(self, keys):
        keys = list(keys)
        if not keys:  # MGET needs at least one key; Django's backend answers {}
            return {}
        values = self.run_command("MGET", *keys)
        return {
            key: self._serializer.loads(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }

    def run_command(self, *args, write=False):
        """One command on this process's own connection to the pool's server.

        A connection the server has closed (a Redis restart) is opened again and the
        command sent once more; other errors are raised, as through the client."""
        connection = self._held_connection(write)
        try:
            return self._round_trip(connection, args)
        except RedisConnectionError:  # the connection closed itself; the next one opens
            return self._round_trip(connection, args)

    @staticmethod
    def _round_trip(connection, args):
        try:
            connection.send_command(*args)
            return connection.read_response()
        except ResponseError:  # Redis answered: the connection is in step
            raise
        except BaseException:
            # Whatever broke in between, never leave a reply for the next command.
            connection.disconnect()
            raise

    def _held_connection(self, write):
        # Django's cache handler gives each thread its own backend, so each thread
        # holds its own connections too.
        pool = self._get_connection_pool(write)
        held = self._held.get(id(pool))
        if held is None or held[1] != _forks:
            held = self._held[id(pool)] = (
                pool.connection_class(**pool.connection_kwargs),
                _forks,
            )
        return held[0]


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._count_script_sha = None

    def count_in_window(self, key, window_seconds):
        """Add one to a counter that lives `window_seconds` from its first count; return
        the new count. One round trip, atomic in Redis (a Lua script), so the counter
        always gets its expiry and two workers never both start a window."""
        key = self.make_and_validate_key(key)
        run = self._cache.run_command
        if self._count_script_sha is not None:
            try:
                return run("EVALSHA", self._count_script_sha, 1, key, window_seconds, write=True)
            except NoScriptError:  # Redis restarted and forgot it
                pass
        self._count_script_sha = run("SCRIPT", "LOAD", COUNT_IN_WINDOW, write=True).decode()
        return run("EVALSHA", self._count_script_sha, 1, key, window_seconds, write=True)

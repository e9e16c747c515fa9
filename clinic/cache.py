"""The shared cache on Redis: Django's Redis backend over a connection each process holds.

Django's `RedisCache` does the caching (keys, versions, timeouts, the serializer); the
client class it delegates to, which needs redis-py, is replaced by `HeldConnectionClient`:
each process (and thread: Django gives every thread its own cache object) holds one
connection per server and sends each cache operation as Redis commands, written and
parsed by hiredis, the C protocol library redis-py itself uses.

Why not redis-py: `import redis` (version 8) loads its asyncio client, cluster and
sentinel support, 5.6 MB in every worker that uses none of them, about a fifth of what
the site adds to a bare Django worker. And through its client and pool each command
takes a lock, checks the process id twice and polls the socket: 7 system calls where 3
do (poll, send, receive), which on a small virtual machine cost more than the round trip
itself.
"""

import os
import random
import select
import socket
import ssl
from urllib.parse import parse_qs, unquote, urlsplit

import hiredis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisSerializer
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

COUNT_IN_WINDOW = """
local count = redis.call("INCR", KEYS[1])
if count == 1 then
  redis.call("EXPIRE", KEYS[1], ARGV[1])
end
return count
"""


class RedisError(Exception):
    """Redis could not be reached, or refused a command."""


class RedisConnectionError(RedisError, ConnectionError):
    pass


class RedisReplyError(RedisError):
    """Redis answered with an error; the connection is still in step."""


# Bumped in a forked child, so a connection opened before the fork is never shared
# with the parent (gunicorn with --preload forks after loading the app).
_forks = 0


def _count_fork():
    global _forks
    _forks += 1


os.register_at_fork(after_in_child=_count_fork)


class RedisConnection:
    """One connection to the server a URL names: redis://[[user]:password@]host[:port][/db],
    rediss:// for TLS, or unix:///path/to/socket?db=N."""

    def __init__(self, url, *, socket_timeout=5.0, socket_connect_timeout=2.0):
        self.parts = urlsplit(url)
        self.timeout = socket_timeout
        self.connect_timeout = socket_connect_timeout
        self.sock = self.reader = self.poller = None
        self.forks = _forks

    def round_trip(self, commands):
        """Send the commands together, return their replies in order. Error replies
        are returned as RedisReplyError objects, not raised.

        Commands are never sent twice: once sent, the server may have run them even if
        no reply comes back (a counter would count twice). Instead a connection the
        server closed while idle (a restart, its idle timeout) is noticed before sending,
        and a new one opened."""
        if self.sock is not None and self._closed_by_server():
            self.close()
        try:
            sock = self.sock or self._connect()
            sock.sendall(b"".join(map(hiredis.pack_command, commands)))
            return [self._read_reply(sock) for _ in commands]
        except BaseException as error:
            # Whatever broke in between, never leave a reply for the next command.
            self.close()
            if isinstance(error, RedisError):
                raise
            if isinstance(error, OSError):
                raise RedisConnectionError(f"Redis at {self._where()}: {error}") from error
            if isinstance(error, hiredis.ProtocolError):
                raise RedisError(f"{self._where()} did not answer as Redis: {error}") from error
            raise

    def close(self):
        if self.sock is not None:
            sock, self.sock, self.reader, self.poller = self.sock, None, None, None
            sock.close()

    def _closed_by_server(self):
        # An idle connection has nothing to read unless the server closed it (or wrote
        # out of turn): either way it is no longer fit to send on. One poll() call.
        return bool(self.poller.poll(0))

    def _read_reply(self, sock):
        reply = self.reader.gets()
        while reply is False:
            data = sock.recv(65536)
            if not data:
                raise ConnectionResetError("the server closed the connection")
            self.reader.feed(data)
            reply = self.reader.gets()
        return reply

    def _connect(self):
        parts = self.parts
        if parts.scheme not in ("redis", "rediss", "unix"):
            raise RedisError(f"Unsupported Redis URL scheme {parts.scheme!r} (redis, rediss, unix)")
        sock = self._open_socket(parts)
        sock.settimeout(self.timeout)
        self.sock, self.reader = sock, hiredis.Reader(replyError=RedisReplyError)
        self.poller = select.poll()
        self.poller.register(sock, select.POLLIN)
        self._greet(parts)
        return sock

    def _open_socket(self, parts):
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.connect_timeout)
                sock.connect(parts.path)
            except BaseException:
                sock.close()
                raise
            return sock
        address = (parts.hostname or "localhost", parts.port or 6379)
        sock = socket.create_connection(address, timeout=self.connect_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if parts.scheme == "rediss":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=address[0])
        return sock

    def _greet(self, parts):
        handshake = []
        if parts.password is not None:
            # AUTH with one argument is the default user, and what Redis before 6 takes.
            user = (unquote(parts.username),) if parts.username else ()
            handshake.append(("AUTH", *user, unquote(parts.password)))
        query_db = parse_qs(parts.query).get("db", ["0"])[0]
        database = query_db if parts.scheme == "unix" else parts.path.strip("/") or query_db
        if database != "0":
            handshake.append(("SELECT", database))
        if handshake:
            for reply in self.round_trip(handshake):
                if isinstance(reply, RedisReplyError):
                    raise reply

    def _where(self):
        parts = self.parts
        return parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"


class HeldConnectionClient:
    """What Django's RedisCache asks of its client, one round trip per operation."""

    def __init__(
        self, servers, serializer=None, socket_timeout=5.0, socket_connect_timeout=2.0, **unknown
    ):
        if unknown:
            raise ImproperlyConfigured(
                f"Cache OPTIONS {sorted(unknown)} are not supported by clinic.cache.RedisCache "
                "(it takes serializer, socket_timeout and socket_connect_timeout)"
            )
        self._servers = servers
        if isinstance(serializer, str):
            serializer = import_string(serializer)
        if callable(serializer):
            serializer = serializer()
        self._serializer = serializer or RedisSerializer()
        self._timeouts = {
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": socket_connect_timeout,
        }
        self._held = {}

    def run_command(self, *args, write=False):
        """One command; its reply, or RedisReplyError raised if Redis refused it."""
        (reply,) = self.run_commands([args], write=write)
        if isinstance(reply, RedisReplyError):
            raise reply
        return reply

    def run_commands(self, commands, *, write=False):
        """Commands sent together; their replies (errors among them, not raised)."""
        return self._held_connection(write).round_trip(commands)

    def close(self):
        """Close the connections held. (Not done after each request, as Django's close()
        would ask of the cache: holding them across requests is the point.)"""
        for connection in self._held.values():
            connection.close()
        self._held.clear()

    def _held_connection(self, write):
        # Writes go to the first server; reads to the others if there are any (as in
        # Django's client, which reads from replicas).
        replicas = len(self._servers) - 1
        index = 0 if write or not replicas else random.randint(1, replicas)  # noqa: S311
        held = self._held.get(index)
        if held is None or held.forks != _forks:
            held = self._held[index] = RedisConnection(self._servers[index], **self._timeouts)
        return held

    # Django's RedisCacheClient interface, command for command.

    def add(self, key, value, timeout):
        value = self._serializer.dumps(value)
        if timeout == 0:  # as Django's client: added, then gone at once
            added = self.run_command("SET", key, value, "NX", write=True) is not None
            if added:
                self.run_command("DEL", key, write=True)
            return added
        expiry = () if timeout is None else ("EX", timeout)
        return self.run_command("SET", key, value, *expiry, "NX", write=True) is not None

    def get(self, key, default):
        value = self.run_command("GET", key)
        return default if value is None else self._serializer.loads(value)

    def set(self, key, value, timeout):
        value = self._serializer.dumps(value)  # first, so a value it can't store raises
        if timeout == 0:
            self.run_command("DEL", key, write=True)
            return
        expiry = () if timeout is None else ("EX", timeout)
        self.run_command("SET", key, value, *expiry, write=True)

    def touch(self, key, timeout):
        if timeout is None:
            return bool(self.run_command("PERSIST", key, write=True))
        return bool(self.run_command("EXPIRE", key, timeout, write=True))

    def delete(self, key):
        return bool(self.run_command("DEL", key, write=True))

    def get_many(self, keys):
        keys = list(keys)
        if not keys:  # MGET needs at least one key
            return {}
        values = self.run_command("MGET", *keys)
        return {
            key: self._serializer.loads(value)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }

    def has_key(self, key):
        return bool(self.run_command("EXISTS", key))

    def incr(self, key, delta):
        if not self.run_command("EXISTS", key, write=True):
            raise ValueError(f"Key '{key}' not found.")
        return self.run_command("INCRBY", key, delta, write=True)

    def set_many(self, data, timeout):
        dumps = self._serializer.dumps
        pairs = [part for key, value in data.items() for part in (key, dumps(value))]
        expiries = [] if timeout is None else [("EXPIRE", key, timeout) for key in data]
        self._transaction([("MSET", *pairs), *expiries])

    def delete_many(self, keys):
        self.run_command("DEL", *keys, write=True)

    def clear(self):
        return self.run_command("FLUSHDB", write=True) == b"OK"

    def _transaction(self, commands):
        """The commands in MULTI/EXEC, applied all together; EXEC's reply (theirs)."""
        replies = self.run_commands([("MULTI",), *commands, ("EXEC",)], write=True)
        for reply in replies:
            if isinstance(reply, RedisReplyError):
                raise reply
        return replies[-1]


class RedisCache(DjangoRedisCache):
    """Django's Redis cache on HeldConnectionClient, plus a one-round-trip counter.

    OPTIONS: socket_timeout and socket_connect_timeout (seconds), serializer."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = HeldConnectionClient
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
            except RedisReplyError as error:
                if not str(error).startswith("NOSCRIPT"):
                    raise
                # Redis restarted and forgot the script: load it again.
        self._count_script_sha = run("SCRIPT", "LOAD", COUNT_IN_WINDOW, write=True).decode()
        return run("EVALSHA", self._count_script_sha, 1, key, window_seconds, write=True)

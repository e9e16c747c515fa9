"""The shared cache on a real Redis (127.0.0.1:6379, as on these machines and in CI):
Django's cache contract on our client, the rate limit's one-round-trip counter, the
rate limit through the form, and a connection that survives what Redis does to it."""

import contextlib
import os
import socket
import threading
import time
import uuid

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from clinic.cache import HeldConnectionClient, RedisError, RedisReplyError
from inquiries.models import Inquiry
from tests.inquiries.factories import form_data

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-{uuid.uuid4().hex}"  # nothing shared with other runs
    settings.CACHES = {
        "default": {
            "BACKEND": "clinic.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    cache = caches["default"]
    yield cache
    cursor = b"0"
    while True:  # this run's keys only, not FLUSHDB
        cursor, keys = cache._cache.run_command("SCAN", cursor, "MATCH", f"{prefix}:*")
        if keys:
            cache._cache.run_command("DEL", *keys, write=True)
        if cursor == b"0":
            break
    cache._cache.close()


@contextlib.contextmanager
def client_of(url):
    client = HeldConnectionClient([url])
    try:
        yield client
    finally:
        client.close()


def run_elsewhere(*command):
    """One command from a second client, as from another process."""
    with client_of(REDIS_URL) as client:
        return client.run_command(*command)


def test_cache_keeps_djangos_contract(redis_cache):
    assert redis_cache.add("a", {"x": 1}) is True
    assert redis_cache.add("a", "other") is False  # add never overwrites
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache.get("absent", "default") == "default"
    assert redis_cache.add("gone", 1, timeout=0) is True  # added, and expired at once
    assert redis_cache.has_key("gone") is False

    redis_cache.set("n", 5)
    assert redis_cache.incr("n", 3) == 8
    with pytest.raises(ValueError):
        redis_cache.incr("absent")
    redis_cache.set("n", 1, timeout=0)  # a zero timeout deletes
    assert redis_cache.has_key("n") is False

    redis_cache.set("t", "text", timeout=None)
    assert redis_cache.touch("t", 30) is True
    assert 0 < redis_cache._cache.run_command("TTL", redis_cache.make_key("t")) <= 30
    assert redis_cache.touch("t", None) is True
    assert redis_cache._cache.run_command("TTL", redis_cache.make_key("t")) == -1
    assert redis_cache.touch("absent", 30) is False

    redis_cache.set_many({"m1": 1, "m2": "two"}, timeout=60)
    assert 0 < redis_cache._cache.run_command("TTL", redis_cache.make_key("m2")) <= 60
    redis_cache.delete_many(["m1", "m2"])
    assert redis_cache.delete("t") is True
    assert redis_cache.delete("t") is False
    assert redis_cache.get_many(["m1", "m2", "t", "a"]) == {"a": {"x": 1}}


def test_database_number_in_the_url_is_selected(redis_cache):
    redis_cache.set("where", "db 15")
    key = redis_cache.make_key("where")

    with (
        client_of("redis://127.0.0.1:6379/15") as on_15,
        client_of("redis://127.0.0.1:6379/14") as on_14,
    ):
        found = (on_15.run_command("EXISTS", key), on_14.run_command("EXISTS", key))

    assert found == (1, 0)


@pytest.mark.parametrize("database", ["0", "1"])  # /1 also times out selecting it
def test_a_redis_that_stops_answering_costs_one_timeout(database):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts connections, never replies
    port = silent.getsockname()[1]
    client = HeldConnectionClient([f"redis://127.0.0.1:{port}/{database}"], socket_timeout=0.3)
    started = time.monotonic()
    try:
        with pytest.raises(RedisError, match="timed out"):
            client.run_command("GET", "key")
    finally:
        client.close()
        silent.close()

    assert time.monotonic() - started < 0.55  # not sent again to wait a second time


def test_a_command_whose_reply_is_lost_is_not_sent_again():
    # A server that runs a command and drops the connection before replying: sent
    # again, a counter would count twice.
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    received = []

    def serve():
        with contextlib.suppress(TimeoutError):
            while True:
                connection, _ = server.accept()
                with connection:
                    received.append(connection.recv(1024))

    listener = threading.Thread(target=serve)
    listener.start()
    try:
        with (
            client_of(f"redis://127.0.0.1:{server.getsockname()[1]}/0") as client,
            pytest.raises(RedisError, match="closed"),
        ):
            client.run_command("INCR", "counter")
    finally:
        listener.join()
        server.close()

    assert received == [b"*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n"]


def test_unknown_cache_options_are_refused_by_name(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "clinic.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"pool_class": "x"},
        }
    }

    with pytest.raises(ImproperlyConfigured, match="pool_class"):
        caches["default"].get("key")


def test_refused_password_and_closed_port_raise_clear_errors():
    with (
        client_of("redis://nobody:wrong@127.0.0.1:6379/0") as client,
        pytest.raises(RedisReplyError, match="WRONGPASS"),
    ):
        client.run_command("PING")
    with (
        client_of("redis://127.0.0.1:1/0") as nobody_there,
        pytest.raises(RedisError, match="127.0.0.1:1"),
    ):
        nobody_there.run_command("PING")


def test_counter_counts_within_its_window(redis_cache):
    counts = [redis_cache.count_in_window("rate:a", 60) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert redis_cache.count_in_window("rate:b", 60) == 1  # another client, its own count


def test_counter_expires_with_its_first_count_and_starts_again(redis_cache):
    key = redis_cache.make_and_validate_key("rate:a")
    redis_cache.count_in_window("rate:a", 2)
    time.sleep(1)
    redis_cache.count_in_window("rate:a", 2)  # a later count doesn't push the end back
    ttl_ms = redis_cache._cache.run_command("PTTL", key)

    time.sleep(1.1)

    assert 0 < ttl_ms <= 1000
    assert redis_cache.count_in_window("rate:a", 2) == 1
    assert redis_cache.get("rate:a") == 1  # still an ordinary cache value


def test_form_rate_limit_holds_on_redis(client, db, settings, redis_cache):
    settings.INQUIRY_RATE_LIMIT = 2

    statuses = [
        client.post("/get-in-touch/", form_data(email=f"p{n}@example.com")).status_code
        for n in range(3)
    ]

    assert statuses == [303, 303, 429]


def test_inquiry_is_stored_and_pages_served_while_redis_is_down(client, db, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "clinic.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    data = form_data(email="grace@example.com")

    form = client.get("/get-in-touch/")
    sent = client.post("/get-in-touch/", data)
    thanks = client.get(sent["Location"])

    assert form.status_code == 200
    assert sent.status_code == 303
    assert thanks.status_code == 200
    assert Inquiry.objects.filter(email="grace@example.com").exists()
    assert "rate limit: cache unavailable" in caplog.text


# Hot reads go straight to a connection the process holds (clinic/cache.py).


def test_many_values_read_back_as_stored_and_missing_ones_left_out(redis_cache):
    redis_cache.set_many({"count": 7, "entry": ("generation", ["a", "b"]), "text": "é"})

    found = redis_cache.get_many(["count", "entry", "text", "absent"])

    assert found == {"count": 7, "entry": ("generation", ["a", "b"]), "text": "é"}
    assert redis_cache.get_many([]) == {}


def test_reads_go_on_after_redis_drops_the_connection(redis_cache):
    redis_cache.set("entry", "kept")
    held = redis_cache._cache
    own_id = held.run_command("CLIENT", "ID")
    run_elsewhere("CLIENT", "KILL", "ID", own_id)  # as a restart would

    assert redis_cache.get_many(["entry"]) == {"entry": "kept"}
    assert redis_cache.count_in_window("rate:a", 60) == 1


def test_counter_works_after_redis_forgot_its_script(redis_cache):
    redis_cache.count_in_window("rate:a", 60)
    run_elsewhere("SCRIPT", "FLUSH")  # as after a Redis restart

    assert redis_cache.count_in_window("rate:a", 60) == 2


def test_a_forked_worker_reads_on_a_connection_of_its_own(redis_cache):
    redis_cache.set_many({"parent": "p", "child": "c"})
    assert redis_cache.get_many(["parent"]) == {"parent": "p"}  # the parent's connection
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its reads must not land on the parent's socket
        try:
            found = redis_cache.get_many(["child"]) == {"child": "c"}
            own = redis_cache._cache.run_command("CLIENT", "ID")
            os.write(writer, f"{found} {own}".encode())
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    child_found, child_id = os.read(reader, 100).decode().split()

    assert child_found == "True"
    assert int(child_id) != redis_cache._cache.run_command("CLIENT", "ID")
    assert redis_cache.get_many(["parent", "child"]) == {"parent": "p", "child": "c"}


def test_a_read_interrupted_before_its_reply_leaves_nothing_for_the_next(redis_cache, monkeypatch):
    redis_cache.set_many({"first": 1, "second": 2})
    connection = redis_cache._cache._held_connection(write=False)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # as a signal landing between send and read

    monkeypatch.setattr(connection, "_read_reply", interrupted)
    with pytest.raises(KeyboardInterrupt):
        redis_cache.get_many(["first"])
    monkeypatch.undo()

    assert redis_cache.get_many(["second"]) == {"second": 2}  # not the first's reply

import gc
import weakref

import pytest

from clinic import memory


@pytest.fixture
def tidy_ups(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "tidy_up", lambda: calls.append("tidied"))
    return calls


def test_this_platform_can_hand_freed_memory_back():
    # Production runs on glibc (Debian): the trim must be found there, not skipped.
    assert memory.malloc_trim is not None


def test_tidying_up_frees_objects_left_in_reference_cycles():
    class Node:
        pass

    node = Node()
    node.itself = node
    alive = weakref.ref(node)
    del node
    gc.disable()  # so that only the tidy-up can collect it
    try:
        assert alive() is not None
        memory.tidy_up()
    finally:
        gc.enable()

    assert alive() is None


def test_the_worker_tidies_up_after_a_staff_page(client, db, tidy_ups):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert tidy_ups == ["tidied"]


def test_patient_pages_are_not_slowed_by_a_tidy_up(client, db, tidy_ups):
    client.get("/admin/login/")
    tidy_ups.clear()

    client.get("/")
    client.get("/get-in-touch/")
    client.get("/healthz")

    assert tidy_ups == []


def test_staff_pages_work_where_the_c_library_has_no_trim(client, db, monkeypatch):
    monkeypatch.setattr(memory, "malloc_trim", None)

    assert client.get("/admin/login/").status_code == 200

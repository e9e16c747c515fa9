import pytest

from clinic import memory


@pytest.fixture
def trims(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "malloc_trim", calls.append)
    return calls


def test_this_platform_can_hand_freed_memory_back():
    # Production runs on glibc (Debian): the trim must be found there, not skipped.
    assert memory.malloc_trim is not None


def test_a_staff_page_hands_the_memory_it_freed_back(client, db, trims):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert trims == [0]


def test_patient_pages_are_not_slowed_by_a_trim(client, db, trims):
    client.get("/")
    client.get("/get-in-touch/")
    client.get("/healthz")

    assert trims == []


def test_staff_pages_work_where_the_c_library_has_no_trim(client, db, monkeypatch):
    monkeypatch.setattr(memory, "malloc_trim", None)

    assert client.get("/admin/login/").status_code == 200

"""`make run` uses SQLite: search works there too, with the plain word-match fallback."""

from tests.inquiries.test_form_on_sqlite import manage

SEARCH = """
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
html = Client().get("/search/", {"q": "PTSD <b>"}).content.decode()
hostile = Client().get("/search/", {"q": "!&|():* \\x00"})
print(html.count('class="search-result"') > 0, "<mark>PTSD</mark>" in html, hostile.status_code)
"""


def test_search_finds_demo_pages_on_the_development_database(tmp_path):
    for command in (("migrate", "--noinput"), ("load_demo_content",)):
        result = manage(tmp_path, *command)
        assert result.returncode == 0, result.stderr

    result = manage(tmp_path, "shell", "--verbosity", "0", "-c", SEARCH)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["True", "True", "200"]

"""A peer for scripts/bench.py: the bare POST the issue measures its moonshot against.

A Django app with no middleware whose one view validates a ModelForm and inserts one row
into PostgreSQL (persistent connections, as the site runs), answering 303. Served by
gunicorn as `bench_bare_post:application`; each worker creates the table if missing.
"""

import os

import dj_database_url
import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-post-only",  # noqa: S106 (a throwaway app with no secrets)
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)},
    USE_TZ=True,
)
django.setup()

from django import forms  # noqa: E402 (after settings)
from django.db import connection, models  # noqa: E402
from django.http import HttpResponse, HttpResponseRedirect  # noqa: E402

TABLE = "bench_bare_post_row"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, name varchar(100) NOT NULL,"
    " email varchar(254) NOT NULL, message text NOT NULL)"
)


class Row(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField()
    message = models.TextField()

    class Meta:
        app_label = "bench_bare_post"
        db_table = TABLE

    def __str__(self):
        return self.name


class RowForm(forms.ModelForm):
    class Meta:
        model = Row
        fields = ["name", "email", "message"]


def insert_row(request):
    form = RowForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    form.save()
    return HttpResponseRedirect("/done", status=303)


def create_table():
    # Both workers start at once: an advisory lock keeps them from racing on CREATE.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(8703)")
        cursor.execute(CREATE_TABLE)
        cursor.execute("SELECT pg_advisory_unlock(8703)")
    connection.close()


create_table()
urlpatterns = [path("", insert_row)]
application = get_wsgi_application()

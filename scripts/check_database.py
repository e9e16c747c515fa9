"""Stop the test run early, with a helpful message, when PostgreSQL does not answer."""

import os
import sys

import dj_database_url
import psycopg2

url = os.environ.get("DATABASE_URL", "")
config = dj_database_url.parse(url) if url else {}
if config.get("ENGINE") != "django.db.backends.postgresql":
    sys.exit(f"The tests need PostgreSQL, but DATABASE_URL is {url!r}.")
try:
    psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        connect_timeout=3,
    ).close()
except psycopg2.OperationalError as error:
    sys.exit(
        f"PostgreSQL is not answering at {config.get('HOST')}:{config.get('PORT')}: {error}\n"
        "Start it, for example:\n"
        "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
        "or point DATABASE_URL at a running server (postgres://user@host:port/dbname)."
    )

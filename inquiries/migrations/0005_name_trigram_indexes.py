"""Trigram (pg_trgm) indexes so the admin's name search stays fast at a million rows.

The indexes cover UPPER(name::text), the exact expression Django's `icontains` compiles
to on PostgreSQL, so `first_name__icontains="ann"` is a GIN index scan. They are not in
the models' Meta (a GIN opclass index cannot be built on SQLite), and the operation is a
no-op on SQLite, where `make run` works and name search falls back to a plain LIKE.
"""

from django.db import migrations

INDEXES = {
    "inquiry_first_name_trgm_idx": "first_name",
    "inquiry_last_name_trgm_idx": "last_name",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON inquiries_inquiry "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0004_crm_indexes_export_permission_retention_run")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]

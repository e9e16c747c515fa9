from django.db import migrations


def fill_search_vectors(apps, schema_editor):
    """Existing pages get their search vectors (PostgreSQL only; SQLite searches without)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from pages.search import update_search_vectors

    Page = apps.get_model("pages", "Page")
    update_search_vectors(Page.objects.all(), apps.get_model("pages", "FAQ"))


class Migration(migrations.Migration):
    dependencies = [("pages", "0003_review")]

    operations = [migrations.RunPython(fill_search_vectors, migrations.RunPython.noop)]

from django.db import migrations

DEFAULT_TOPICS = ["PTSD", "Depression", "Anxiety", "Chronic pain", "Other"]


def add_default_topics(apps, schema_editor):
    Topic = apps.get_model("inquiries", "Topic")
    for order, name in enumerate(DEFAULT_TOPICS, start=1):
        Topic.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0001_initial")]

    operations = [migrations.RunPython(add_default_topics, migrations.RunPython.noop)]

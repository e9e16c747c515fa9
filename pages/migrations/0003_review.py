from datetime import timedelta

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def schedule_reviews(apps, schema_editor):
    """Existing pages: a next review a year after the last. (Their reading grades and
    search vectors come from `manage.py refresh_pages`, which runs today's code.)"""
    Page = apps.get_model("pages", "Page")
    for page in Page.objects.filter(next_review=None).exclude(last_reviewed=None):
        page.next_review = page.last_reviewed + timedelta(days=365)
        page.save(update_fields=["next_review"])


class Migration(migrations.Migration):

    dependencies = [
        ('clinicfacts', '0001_initial'),
        ('pages', '0002_clinic_facts_images_revisions_search'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReviewReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sent_on', models.DateField(help_text="The clinic's local date of the email.")),
                ('page_count', models.PositiveSmallIntegerField()),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('clinician', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='review_reminders', to='clinicfacts.clinician')),
            ],
            options={
                'ordering': ['-sent_at'],
                'constraints': [models.UniqueConstraint(fields=('clinician', 'sent_on'), name='one_review_reminder_a_day')],
            },
        ),
        migrations.RunPython(schedule_reviews, migrations.RunPython.noop),
    ]

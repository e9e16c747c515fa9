from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = "Inquiries"

    def ready(self):
        from django.db.models.signals import post_migrate

        from inquiries.roles import sync_content_editors

        # After every migrate: content editors get the permissions of new pages models.
        post_migrate.connect(sync_content_editors, sender=self)

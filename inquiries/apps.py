from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = "Inquiries"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from inquiries.models import Topic
        from inquiries.roles import sync_content_editors
        from inquiries.topics import forget_active_topics

        # After every migrate: content editors get the permissions of new pages models.
        post_migrate.connect(sync_content_editors, sender=self)
        # A topic saved or deleted here is seen by this process's next POST at once.
        post_save.connect(forget_active_topics, sender=Topic, dispatch_uid="topics-saved")
        post_delete.connect(forget_active_topics, sender=Topic, dispatch_uid="topics-deleted")

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Educational pages"

    def ready(self):
        from pages.cache import content_changed
        from pages.models import FAQ, Page, Reference

        # Any change to what a public page shows invalidates the whole-page cache,
        # including navigation and the home page's listings.
        for model in (Page, FAQ, Reference):
            post_save.connect(
                content_changed, sender=model, dispatch_uid=f"pages-cache-save-{model.__name__}"
            )
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"pages-cache-delete-{model.__name__}"
            )

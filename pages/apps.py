from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Educational pages"

    def ready(self):
        from images.models import Image
        from images.signals import image_changed
        from pages.cache import content_changed
        from pages.image_usage import rerender_pages_using
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
        # A page's stored HTML holds its images' markup: keep it current.
        image_changed.connect(rerender_pages_using, dispatch_uid="pages-image-changed")
        post_delete.connect(rerender_pages_using, sender=Image, dispatch_uid="pages-image-deleted")

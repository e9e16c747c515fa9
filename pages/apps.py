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
        # The stored search vector covers the page's own text and its FAQs.
        post_save.connect(page_saved, sender=Page, dispatch_uid="pages-search-page")
        post_save.connect(faq_changed, sender=FAQ, dispatch_uid="pages-search-faq-save")
        post_delete.connect(faq_changed, sender=FAQ, dispatch_uid="pages-search-faq-delete")
        # A page's stored HTML holds its images' markup: keep it current.
        image_changed.connect(rerender_pages_using, dispatch_uid="pages-image-changed")
        post_delete.connect(rerender_pages_using, sender=Image, dispatch_uid="pages-image-deleted")


def page_saved(instance, **kwargs):
    from pages.search import update_search_vector

    update_search_vector(instance.pk)


def faq_changed(instance, **kwargs):
    from pages.search import update_search_vector

    update_search_vector(instance.page_id)

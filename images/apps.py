from django.apps import AppConfig
from django.db.models.signals import post_delete


def delete_stored_file(sender, instance, **kwargs):
    from images.models import delete_file_after_commit

    if instance.file.name:
        delete_file_after_commit(instance.file.storage, instance.file.name)


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Images"

    def ready(self):
        from images.models import Image, Rendition

        # Deleting an image (or a rendition) removes its file from storage too.
        for model in (Image, Rendition):
            post_delete.connect(
                delete_stored_file, sender=model, dispatch_uid=f"images-delete-{model.__name__}"
            )

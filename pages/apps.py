from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Educational pages"

    def ready(self):
        from pages import receivers

        receivers.connect()

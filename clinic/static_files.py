"""Static file finders that leave out, when collecting, the files the site never serves.

Every worker's static file server (WhiteNoise) indexes what collectstatic collected:
337 URLs took 1.3 MB per worker, and half of them were these. (Finders rather than
ignore patterns on the staticfiles app config, because tools such as pytest-django
look for "django.contrib.staticfiles" itself in INSTALLED_APPS.)
"""

from django.contrib.staticfiles import finders

NEVER_SERVED = [
    # Bootstrap's package ships 32 variants; base.html links bootstrap.min.css, whose
    # source map is kept because the CSS names it.
    "bootstrap-*",
    "bootstrap.css*",
    "*.rtl.*",
    # The admin's autocomplete (select2) in 59 languages; the site is in English.
    "admin/js/vendor/select2/i18n/[!e]*",
    "admin/js/vendor/select2/i18n/e[!n]*",
]


class _LeavesOutNeverServed:
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *NEVER_SERVED])


class FileSystemFinder(_LeavesOutNeverServed, finders.FileSystemFinder):
    pass


class AppDirectoriesFinder(_LeavesOutNeverServed, finders.AppDirectoriesFinder):
    pass

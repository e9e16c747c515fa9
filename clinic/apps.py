from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"


class ClinicStaticFilesConfig(StaticFilesConfig):
    """collectstatic leaves out the static files the site never serves. Every worker's
    static file server (WhiteNoise) indexes what was collected: 337 URLs took 1.3 MB
    per worker, and half of them were these."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        # Bootstrap's package ships 32 variants; base.html links bootstrap.min.css, whose
        # source map is kept because the CSS names it.
        "bootstrap-*",
        "bootstrap.css*",
        "*.rtl.*",
        # The admin's autocomplete (select2) in 59 languages; the site is in English.
        "admin/js/vendor/select2/i18n/[!e]*",
        "admin/js/vendor/select2/i18n/e[!n]*",
    ]

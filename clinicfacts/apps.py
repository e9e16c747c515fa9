from django.apps import AppConfig


class ClinicFactsConfig(AppConfig):
    name = "clinicfacts"
    verbose_name = "The clinic's facts"
    # The cached public pages follow changes to the clinic's facts: pages/receivers.py.

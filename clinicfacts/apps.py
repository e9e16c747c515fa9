from django.apps import AppConfig


class ClinicFactsConfig(AppConfig):
    name = "clinicfacts"
    verbose_name = "The clinic's facts"

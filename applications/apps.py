from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        # Registers the named permissions that templates ask with {% has_perm %}.
        from applications import permissions  # noqa: F401

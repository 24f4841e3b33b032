from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Registers the named permissions that templates ask with {% has_perm %}.
        from accounts import permissions  # noqa: F401

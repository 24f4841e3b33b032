"""Prints the code a demo staff account's authenticator app would show now, so the demo can be tried without one."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_STAFF, demo_authenticator_hex_key
from accounts.two_factor import authenticator_code_now


class Command(BaseCommand):
    help = "Print the current two-factor code for a demo staff account (only with DEBUG on)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="a demo staff account, such as manager@example.org")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG on: it is for the demo, never for a real service.")
        email = email.strip().lower()
        if email not in DEMO_STAFF:
            raise CommandError(f"{email} is not a demo staff account. Try one of: {', '.join(DEMO_STAFF)}")
        # Only the shared demo key: an account whose owner has set up their own app keeps its codes to itself.
        device = TOTPDevice.objects.filter(
            user__email=email, confirmed=True, key=demo_authenticator_hex_key()
        ).first()
        if device is None:
            raise CommandError(f"{email} does not use the demo key. Run seed_demo, or use the app you set up.")
        self.stdout.write(authenticator_code_now(device))

"""What the audit trail records about people's accounts: each code, and the sentence shown for it."""

from django.db import models


class AuditAction(models.TextChoices):
    REGISTERED = "account.registered", "registered"
    EMAIL_CONFIRMED = "account.email_confirmed", "confirmed email address"
    ROLE_CHANGED = "account.role_changed", "changed role"
    SUPERUSER_ACCESS_CHANGED = "account.superuser_access_changed", "changed superuser access"
    TWO_FACTOR_SET_UP = "account.two_factor_set_up", "set up two-factor sign-in"
    RECOVERY_CODE_USED = "account.recovery_code_used", "signed in with a recovery code"
    RECOVERY_CODES_MADE = "account.recovery_codes_made", "made new recovery codes"
    TWO_FACTOR_RESET = "account.two_factor_reset", "reset two-factor sign-in"

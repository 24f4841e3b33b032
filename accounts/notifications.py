"""The emails that keep an account safe: always sent to everyone, whatever else they choose."""

from accounts.models import Role
from core.notifications import NotificationKind

SECURITY = NotificationKind(
    "accounts.security", "When you register, confirm your email address or ask to reset your password",
    tuple(Role.values), always_sent=True,
)
KINDS = (SECURITY,)

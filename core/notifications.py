"""What the service tells people: each app registers the kinds of notification it sends, from its AppConfig.ready(),
with the plain-English words for them and the roles that receive them, so each person's account page can say which
emails they are sent."""

from dataclasses import dataclass

from core.registries import registry_add


@dataclass(frozen=True)
class NotificationKind:
    """`description` completes "We email you": "When you are given applications to assess". `roles` are the role
    codes of the people who receive it. An `always_sent` kind keeps an account safe and cannot be turned off. A kind
    that is not `choosable` is an email its app still sends itself, with what the person needs inside it, rather than
    through `core.services.notify`: it is named on the account page but cannot be turned off there."""

    code: str
    description: str
    roles: tuple[str, ...]
    always_sent: bool = False
    choosable: bool = True


NOTIFICATION_KINDS: dict[str, NotificationKind] = {}


def notification_kinds_register(*kinds: NotificationKind) -> None:
    registry_add(NOTIFICATION_KINDS, {kind.code: kind for kind in kinds}, what="Notification kinds")


def notification_kinds_for(user) -> list[NotificationKind]:
    """The kinds a person may be sent, for their role, in the order the apps registered them."""
    return [kind for kind in NOTIFICATION_KINDS.values() if getattr(user, "role", None) in kind.roles]


def email_choices_for(user) -> list[NotificationKind]:
    """The kinds a person may turn on or off: their role's, sent through `notify`, and not needed for safety."""
    return [kind for kind in notification_kinds_for(user) if kind.choosable and not kind.always_sent]

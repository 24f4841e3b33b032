"""Files too big to make while the person waits: each app registers the exports it offers, by name, from its
AppConfig.ready(); a background task makes the file by calling the builder registered under the export's name."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.registries import registry_add


@dataclass(frozen=True)
class ExportFile:
    """`content` is the whole file, or its pieces in order for a file too big to hold at once (a generator, which
    runs as the file is written)."""

    content: bytes | str | Iterable[bytes | str]
    content_type: str
    filename: str


@dataclass(frozen=True)
class ExportKind:
    """`permission` is the named permission needed both to ask for the file and to download it; `title` and `build`
    are called with the export's parameters as keyword arguments. A builder may raise a ServiceError whose message
    says, in plain words, why the file could not be made. `back`, called the same way, gives the words and address
    of the page the file was asked for from, for the file's page to link back to."""

    name: str
    permission: str
    title: Callable[..., str]
    build: Callable[..., ExportFile]
    back: Callable[..., tuple[str, str]] | None = None


# How long a made file is kept for its download; `remove_old_exports`, run from cron, removes older ones.
KEPT_DAYS = 7

EXPORT_KINDS: dict[str, ExportKind] = {}


def export_kinds_register(*kinds: ExportKind) -> None:
    registry_add(EXPORT_KINDS, {kind.name: kind for kind in kinds}, what="Exports")


def can_open_export(user, export) -> bool:
    """Only the person who asked for a file opens it, and only while they may still ask for it: what it holds was
    chosen for them, and a role taken away takes its files with it."""
    kind = EXPORT_KINDS.get(export.name)
    return bool(user.is_authenticated and export.requested_by_id == user.pk and kind and user.has_perm(kind.permission))

"""The registries that later apps fill from their AppConfig.ready(), so that core shows what it cannot import."""

from django.core.exceptions import ImproperlyConfigured


def registry_add(registry: dict, entries: dict, *, what: str) -> None:
    """Adds entries to a registry. The same key given twice must mean the same thing: two apps that disagree are
    refused at start-up, before either is shown wrongly."""
    clashes = sorted(key for key, value in entries.items() if registry.get(key, value) != value)
    if clashes:
        raise ImproperlyConfigured(f"{what} given twice, differently: {', '.join(clashes)}")
    registry.update(entries)

"""The composition root: the one place that names concrete adapters and puts the application together.

Handlers and routers ask `container()` for the service they call. Everything is built lazily, once
per Lambda container. Tests and the local stack call `reset()` after pointing the settings at another
AWS stand-in, and `override()` to put fakes in before anything is built; overrides outlive `reset()`
until `clear_overrides()`.
"""

from typing import Any

from proxyhub.settings import get_settings
from proxyhub.wiring.container import Container

_container: Container | None = None
_overrides: dict[str, Any] = {}


def container() -> Container:
    global _container  # noqa: PLW0603 - one composition root per process, built on first use
    if _container is None:
        _container = Container(get_settings())
        for name, component in _overrides.items():
            setattr(_container, name, component)
    return _container


def override(**components: Any) -> Container:
    """Replaces components (e.g. `clock=FakeClock()`) before anything that uses them is built."""
    for name in components:
        if not hasattr(Container, name):
            raise AttributeError(f"The container has no component {name!r}")
    _overrides.update(components)
    built = container()
    for name, component in components.items():
        setattr(built, name, component)
    return built


def reset() -> None:
    """Forgets every built component and re-reads the settings."""
    global _container  # noqa: PLW0603
    get_settings.cache_clear()
    _container = None


def clear_overrides() -> None:
    _overrides.clear()
    reset()

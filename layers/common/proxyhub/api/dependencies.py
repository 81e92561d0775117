"""Composition root of the API: builds services once per container, lazily (moto-friendly)."""

from functools import lru_cache

from proxyhub.clock import SystemClock
from proxyhub.config.service import ConfigService
from proxyhub.dal.secrets import SecretsManagerStore
from proxyhub.dal.tables import bind_tables
from proxyhub.settings import get_settings


@lru_cache(maxsize=1)
def config_service() -> ConfigService:
    settings = get_settings()
    bind_tables(settings)
    return ConfigService(settings, SecretsManagerStore(settings), SystemClock())


def reset() -> None:
    """Forget built services, e.g. after tests point the settings at another AWS stand-in."""
    get_settings.cache_clear()
    config_service.cache_clear()

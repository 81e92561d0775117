"""Names whose module is imported on first use, so each function loads only the adapters it builds.

The composition root names every adapter of every function; importing them all when a function starts
(the vendor clients, the idempotency layer, S3, SNS, SSM ...) would make each cold start pay for all.
`lazy_names` gives the root stand-ins instead: calling one (building the component) or reading an
attribute imports its module then, once.
"""

import importlib
import threading
from collections.abc import Mapping
from typing import Any


class LazyName:
    """Stands in for `module.name` until it is used."""

    __slots__ = ("_guard", "_module", "_name", "_target")

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name
        self._target: Any = None
        self._guard = threading.Lock()

    def resolve(self) -> Any:
        if self._target is None:
            with self._guard:
                if self._target is None:
                    self._target = getattr(importlib.import_module(self._module), self._name)
        return self._target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.resolve(), attribute)

    def __repr__(self) -> str:
        return f"<lazy {self._module}.{self._name}>"


def lazy_names(modules: Mapping[str, tuple[str, ...]]) -> dict[str, LazyName]:
    """{name: stand-in} for `{module: (name, ...)}`."""
    return {name: LazyName(module, name) for module, names in modules.items() for name in names}

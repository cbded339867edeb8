"""Named registries of pluggable parts: ASR engines, diarizers, executors.

One helper instead of three dictionaries with three copies of the lookup: a registry maps a
name to a factory (a class or a function), builds by name, and an unknown name raises the
registry's error with the valid choices, which the command line also offers as ``choices``.

    ENGINES = Registry("ASR engine", error=AsrError)

    @ENGINES.register("faster-whisper")
    class FasterWhisperEngine: ...

    engine = ENGINES.create("faster-whisper", model)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(MutableMapping[str, Callable[..., T]], Generic[T]):
    """Name → factory, in registration order.

    It is a mutable mapping, so a test can swap an entry with ``monkeypatch.setitem``.
    """

    def __init__(self, kind: str, *, error: type[Exception] = ValueError) -> None:
        self.kind = kind
        self.error = error
        self._entries: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator: register the class or function under ``name``."""
        def add(factory: Callable[..., T]) -> Callable[..., T]:
            self[name] = factory
            return factory
        return add

    def get_factory(self, name: str) -> Callable[..., T]:
        """The factory registered as ``name``; an unknown name raises ``error`` listing the choices."""
        try:
            return self._entries[name]
        except KeyError:
            raise self.error(f"unknown {self.kind} {name!r}; choose one of: {', '.join(self.names())}") from None

    def create(self, name: str, *args: Any, **kwargs: Any) -> T:
        """Build the part registered as ``name``."""
        return self.get_factory(name)(*args, **kwargs)

    def names(self) -> list[str]:
        """The registered names, for ``--help`` and argparse ``choices``."""
        return list(self._entries)

    # MutableMapping
    def __getitem__(self, name: str) -> Callable[..., T]:
        return self._entries[name]

    def __setitem__(self, name: str, factory: Callable[..., T]) -> None:
        self._entries[name] = factory

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._entries)})"

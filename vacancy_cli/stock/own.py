"""A learner's or engineer's own StockManager, from a Python file: ``--manager FILE.py:Class``.

The contract is the ADR's: ``Class(initial_stock)``, ``async def reserve(self,
qty) -> tuple[bool, int]``, and optionally ``async def available(self) -> int``.
A module-level function returning such an object serves as well. The file
needs no vacancy import: it is plain asyncio code, and it runs with the user's
rights, as ``pytest`` runs a test file.

Loading checks everything it can before any run: the file, its syntax, the
class, ``reserve`` being ``async``. Each problem is one ``ScenarioError`` line
naming the file (and line, for a syntax error). Modules are loaded once per
file and reused for every replay of an exploration.

The stock attribute: ``total`` (the ADR's name) when the instance has one, else
the one integer attribute that holds the initial stock after construction.
Reads and writes of it are what the timeline shows (``reads total=100``,
``writes total=99``); ``Recorder`` watches them through ``__getattribute__``
and ``__setattr__`` on a subclass made per class, so the user's code is not
changed.
"""

from __future__ import annotations

import importlib.util
import inspect
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from vacancy_cli.model.errors import ScenarioError
from vacancy_cli.model.strategies import split_ref

STOCK_NAME = "total"  # the ADR's attribute


class Recorder(Protocol):
    """Told of each read and write of the stock attribute, by the running request."""

    def read(self, name: str, value: int) -> None: ...

    def wrote(self, name: str, old: int, value: int) -> None: ...


@dataclass(frozen=True)
class OwnManager:
    """A user's manager, loaded: how to make one, and what to call it in views."""

    label: str  # file.py:Class, as views and JSON name it
    path: Path
    factory: Callable[[int], Any]
    has_available: bool
    source_file: str  # where its code is, for play's source view and the line of an error

    def make(self, stock: int, recorder: Recorder) -> tuple[Any, str | None]:
        """A new instance holding ``stock``, watched; and the name of its stock attribute."""
        try:
            instance = self.factory(stock)
        except Exception as exc:
            raise ScenarioError(
                f"{self.label}: constructing it with the stock ({stock}) raised "
                f"{type(exc).__name__}: {exc}"
            ) from None
        reserve = getattr(instance, "reserve", None)
        if not callable(reserve):
            raise ScenarioError(f"{self.label}: the object it made has no reserve() method")
        if not inspect.iscoroutinefunction(reserve):
            raise ScenarioError(
                f"{self.label}: the object it made has a plain reserve(); it must be "
                "'async def reserve(self, qty)', the ADR's signature"
            )
        stock_name = _stock_attribute(instance, stock)
        _watch(instance, stock_name, recorder)
        return instance, stock_name


def _stock_attribute(instance: Any, stock: int) -> str | None:
    fields = getattr(instance, "__dict__", {})
    if isinstance(fields.get(STOCK_NAME), int):
        return STOCK_NAME
    holding = [name for name, value in fields.items() if type(value) is int and value == stock]
    return holding[0] if len(holding) == 1 else None


_WATCHED: dict[tuple[type, str], type] = {}
RECORDER = "_vacancy_recorder"  # the instance attribute the watcher reports to


def _watch(instance: Any, stock_name: str | None, recorder: Recorder) -> None:
    """Give ``instance`` a subclass of its class that reports the stock attribute."""
    if stock_name is None or not hasattr(instance, "__dict__"):
        return
    cls = type(instance)
    watched = _WATCHED.get((cls, stock_name))
    if watched is None:
        watched = _WATCHED[cls, stock_name] = _watching(cls, stock_name)
    instance.__dict__[RECORDER] = recorder
    try:
        instance.__class__ = watched
    except TypeError:  # a class whose layout forbids it: run it unwatched
        pass


def _watching(cls: type, stock_name: str) -> type:
    base_get: Any = cls.__getattribute__
    base_set: Any = cls.__setattr__

    def __getattribute__(self: Any, name: str) -> Any:  # noqa: N807
        value = base_get(self, name)
        if name == stock_name and type(value) is int:
            object.__getattribute__(self, "__dict__")[RECORDER].read(name, value)
        return value

    def __setattr__(self: Any, name: str, value: Any) -> None:  # noqa: N807
        if name != stock_name:
            base_set(self, name, value)
            return
        fields = object.__getattribute__(self, "__dict__")
        old = fields.get(name)
        base_set(self, name, value)
        if type(value) is int and type(old) is int:
            fields[RECORDER].wrote(name, old, value)

    namespace = {
        "__getattribute__": __getattribute__,
        "__setattr__": __setattr__,
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
    }
    return type(cls.__name__, (cls,), namespace)


_LOADED: dict[tuple[str, int], ModuleType] = {}
_IN_PROCESS = "python:"  # a ref to a class or function registered in this process
_REGISTERED: dict[str, OwnManager] = {}
_REFS = itertools.count()


def register(factory: Callable[[int], Any]) -> str:
    """A ref for a class or function already in this process (the testing API's way
    in): ``load`` then finds it without reading any file."""
    if not callable(factory):
        raise ScenarioError(f"{factory!r} is not a class or a function that makes a manager")
    name = getattr(factory, "__qualname__", type(factory).__name__)
    try:
        source = inspect.getsourcefile(factory)
    except TypeError:  # made at the prompt, or by a callable object: no file to show
        source = None
    path = Path(source or "<memory>")
    _check(factory, f"{path.name}:{name}")
    ref = f"{_IN_PROCESS}{next(_REFS)}"  # next() on a count is atomic: threads may register
    has_available = not inspect.isclass(factory) or hasattr(factory, "available")
    _REGISTERED[ref] = OwnManager(
        f"{path.name}:{name}", path, factory, has_available, str(path.resolve())
    )
    return ref


def load(ref: str, base: Path | None = None) -> OwnManager:
    """``FILE.py:Name`` or ``FILE.py`` (one class in it), relative to ``base`` if given;
    or a ref ``register`` gave."""
    if ref in _REGISTERED:
        return _REGISTERED[ref]
    key = (ref, base)
    known = _BY_REF.get(key)
    if known is not None and _stamp(known[0].path) == known[1]:
        return known[0]  # an exploration loads it once per replay: keep it cheap
    loaded = _load(ref, base)
    _BY_REF[key] = (loaded, _stamp(loaded.path))
    return loaded


_BY_REF: dict[tuple[str, Path | None], tuple[OwnManager, int]] = {}


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _load(ref: str, base: Path | None) -> OwnManager:
    parts = split_ref(ref)
    if parts is None:
        raise ScenarioError(
            f"manager {ref!r}: expected a Python file, as in my_fix.py:StockManager"
        )
    text, name = parts
    path = Path(text)
    if base is not None and not path.is_absolute():
        path = base / path
    if path.suffix != ".py":
        raise ScenarioError(
            f"manager {ref!r}: expected a Python file, as in my_fix.py:StockManager"
        )
    module = _module(path)
    target = _find(module, path, name)
    label = f"{path.name}:{getattr(target, '__name__', name)}"
    _check(target, label)
    has_available = not inspect.isclass(target) or hasattr(target, "available")
    return OwnManager(label, path, target, has_available, str(path.resolve()))


def _check(target: Any, label: str) -> None:
    """A class must have ``async def reserve`` (and an ``available``, if any, async);
    a function is checked on what it makes."""
    if not inspect.isclass(target):
        return
    reserve = getattr(target, "reserve", None)
    if reserve is None:
        raise ScenarioError(f"{label}: the class has no reserve(self, qty) method")
    if not inspect.iscoroutinefunction(reserve):
        raise ScenarioError(
            f"{label}: reserve must be 'async def reserve(self, qty)', "
            "the ADR's signature: it is a plain function"
        )
    available = getattr(target, "available", None)
    if available is not None and not inspect.iscoroutinefunction(available):
        raise ScenarioError(f"{label}: available must be 'async def available(self)'")


def _module(path: Path) -> ModuleType:
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise ScenarioError(f"manager {path}: no such file") from None
    key = (str(path.resolve()), stamp)
    if key in _LOADED:
        return _LOADED[key]
    try:
        source = path.read_text(encoding="utf-8")
        code = compile(source, str(path.resolve()), "exec")
    except SyntaxError as exc:
        raise ScenarioError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"manager {path}: cannot read: {exc}") from None
    name = f"vacancy_own_{len(_LOADED)}_{path.stem}"
    spec = importlib.util.spec_from_loader(name, loader=None, origin=str(path))
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(path.resolve())
    sys.modules[name] = module  # dataclasses and pickling look their module up
    try:
        exec(code, module.__dict__)  # the user's own file, with their rights (the README says so)
    except Exception as exc:
        del sys.modules[name]
        raise ScenarioError(
            f"{path}: running the file raised {type(exc).__name__}: {exc}"
        ) from None
    _LOADED[key] = module
    return module


def _find(module: ModuleType, path: Path, name: str) -> Any:
    if name:
        found = getattr(module, name, None)
        if found is None:
            raise ScenarioError(f"{path}: no class or function named {name!r}")
        if not callable(found):
            raise ScenarioError(f"{path}:{name} is not a class or a function")
        return found
    classes = [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and value.__module__ == module.__name__
        and hasattr(value, "reserve")
    ]
    if len(classes) == 1:
        return classes[0]
    if not classes:
        raise ScenarioError(
            f"{path}: no class with a reserve() method; name one as {path.name}:Name"
        )
    names = ", ".join(c.__name__ for c in classes)
    raise ScenarioError(
        f"{path}: several classes ({names}): name one, as {path.name}:{classes[0].__name__}"
    )


class _Unwatched:
    """A Recorder that notes nothing: a live run times, it does not trace."""

    def read(self, name: str, value: int) -> None:
        pass

    def wrote(self, name: str, old: int, value: int) -> None:
        pass


class LiveOwn:
    """A user's manager in a live load: the runner's view of it (``reserve``,
    ``available``, the stock after), with no hooks: its locks are its own."""

    def __init__(self, manager: OwnManager, stock: int) -> None:
        self.instance, self.stock_name = manager.make(stock, _Unwatched())
        self.has_available = callable(getattr(self.instance, "available", None))
        self.cache_ttl_s = 1.0  # the runner may set it; a user's cache is the user's
        self.judges_reads = False  # and so are its reads

    async def reserve(self, qty: int) -> tuple[bool, int]:
        granted, left = await self.instance.reserve(qty)
        return bool(granted), int(left)

    async def available(self) -> int:
        if self.has_available:
            return int(await self.instance.available())
        return self.total

    async def final_stock(self) -> int:
        """``available()`` when there is one (the contract), else the stock attribute."""
        return await self.available()

    @property
    def total(self) -> int:
        value = getattr(self.instance, self.stock_name or STOCK_NAME, None)
        if type(value) is not int:
            raise ScenarioError(
                f"{type(self.instance).__name__}: no attribute {STOCK_NAME!r} and no "
                "async def available(): vacancy cannot read the stock left"
            )
        return value

    def close(self) -> None:
        close = getattr(self.instance, "close", None)
        if callable(close):
            close()

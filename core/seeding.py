"""Demo data, collected from every app: each app seeds its own part in its ``demo.py``.

An app's demo module defines ``seed(size, out)`` and may define ``summary(out)``. ``seed_demo``
calls every ``seed`` in INSTALLED_APPS order, so an app's data may use what the apps it builds on
made, then every ``summary`` (also when ``--if-empty`` finds a seeded database). Found through the app
registry, so core imports no app above it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class DemoSize:
    customers: int
    complaints: int


class DemoOutput:
    """Where an app's demo step reports: lines, and a progress bar for long bulk steps."""

    def __init__(self, stdout):
        self.stdout = stdout

    def line(self, text: str) -> None:
        self.stdout.write(text)

    def progress(self, steps: Iterable[int], total: int) -> float:
        """Show the running totals ``steps`` yields; returns the seconds it took."""
        started = time.monotonic()
        for made in steps:
            self.stdout.write(progress_bar(made, total, started), ending="")
            self.stdout.flush()
        self.stdout.write("")
        return time.monotonic() - started


def progress_bar(done: int, total: int, started: float, width: int = 40) -> str:
    filled = width * done // total if total else width
    elapsed = time.monotonic() - started
    rate = done / elapsed if elapsed else 0
    return f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {rate:,.0f}/s"


def demo_modules() -> list[ModuleType]:
    return [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "demo")
    ]


def seed_all(size: DemoSize, out: DemoOutput) -> None:
    modules = demo_modules()
    for module in modules:
        module.seed(size, out)
    summarise_all(out, modules)


def summarise_all(out: DemoOutput, modules: list[ModuleType] | None = None) -> None:
    for module in modules if modules is not None else demo_modules():
        summary = getattr(module, "summary", None)
        if summary is not None:
            summary(out)

"""The ``research`` command: a thin typer layer over the package.

Sub-commands live in modules of this package, each defining ``app`` (a ``typer.Typer``) and
``NAME`` (the sub-command's name); they are found and added here in alphabetical order.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from research.scale.memory import apply_environment_settings

app = typer.Typer(
    name="research",
    help="Open research toolkit on digital sex crime trends and content removal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Open research toolkit on digital sex crime trends and content removal."""
    apply_environment_settings()  # opt-in allocator settings for large logs (docs/scale.md)


def _register_subcommands() -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        if hasattr(module, "register"):
            module.register(app)
        elif hasattr(module, "app"):
            app.add_typer(module.app, name=module.NAME)


_register_subcommands()


def main() -> None:
    """Entry point of the ``research`` console script."""
    app()

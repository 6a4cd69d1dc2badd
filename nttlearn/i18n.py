"""Message catalogues: ``python -m nttlearn.i18n extract|update|compile`` for the core and plugins.

Each plugin is its own translation domain (its name), in ``<package>/translations``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("it", "sv", "es", "fi")


def catalogues() -> list[tuple[str, Path, Path]]:
    """(domain, source folder, translations folder) for the core and every plugin in the tree."""
    found = [("messages", ROOT / "nttlearn", ROOT / "nttlearn" / "translations")]
    for package in sorted(ROOT.glob("plugins/*/nttlearn_*")):
        if package.is_dir() and not package.name.endswith(".egg-info"):
            domain = package.parent.name
            found.append((domain, package, package / "translations"))
    return found


def compile_all() -> int:
    count = 0
    for domain, _source, folder in catalogues():
        for po in folder.glob(f"*/LC_MESSAGES/{domain}.po"):
            with po.open("rb") as fh:
                catalog = read_po(fh)
            with po.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog)
            count += 1
    return count


def extract_all() -> None:
    for domain, source, folder in catalogues():
        folder.mkdir(parents=True, exist_ok=True)
        pot = folder / f"{domain}.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "extract",
                "-F",
                str(ROOT / "babel.cfg"),
                "-k",
                "_l",
                "-k",
                "lazy_gettext",
                "--no-location",
                "--sort-output",
                "-o",
                str(pot),
                str(source),
            ],
            check=True,
        )


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "compile":
        compile_all()
    elif command == "extract":
        extract_all()
    else:
        print(f"usage: python -m nttlearn.i18n extract|compile (not {command!r})", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

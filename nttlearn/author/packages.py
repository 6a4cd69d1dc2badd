"""Course packages through the browser: an admin uploads a zip or downloads one.

An upload is unpacked into a temporary folder with every safety check of
:mod:`nttlearn.content.archive`, validated, and imported in one transaction, exactly like
``nttlearn courses import``. Whatever goes wrong, nothing is changed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from flask import current_app

from ..activities import ActivityType
from ..content.archive import ArchiveLimits, UnsafeArchive, extract_package
from ..content.importer import (
    ImportFailed,
    ImportReport,
    commit_import,
    import_package,
    rollback_import,
)
from ..content.package import Problem


@dataclass
class UploadOutcome:
    """What became of an uploaded package: a report, or the reasons it was refused."""

    report: ImportReport | None = None
    refused: str | None = None
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.report is not None


def import_uploaded_package(
    stream: IO[bytes], types: Mapping[str, ActivityType], *, dry_run: bool = False
) -> UploadOutcome:
    """Unpack, check and import a zipped package; commits unless ``dry_run`` or refused."""
    limits = ArchiveLimits.from_config(current_app.config)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            root = extract_package(stream, Path(tmp), limits)
        except UnsafeArchive as exc:
            return UploadOutcome(refused=str(exc))
        display = root.relative_to(tmp).as_posix()
        try:
            report = import_package(root, types, display="" if display == "." else display)
        except ImportFailed as exc:
            rollback_import()
            return UploadOutcome(problems=exc.problems)
        if dry_run:
            rollback_import()
        else:
            commit_import()  # copies the media while the unpacked folder still exists
    return UploadOutcome(report=report, dry_run=dry_run)

"""Files kept in the database, for sites whose app nodes share no disk (``NTTLEARN_STORAGE=database``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class StoredFile(db.Model):
    """One file of :class:`nttlearn.storage.DatabaseStore`, under its key (``media/<slug>/<name>``)."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

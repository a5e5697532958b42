"""Uploaded documents (ownership proof, licences, drawings, ID copies, photos, signed undertakings).

The bytes live in the database, so every app server can read them and a backup holds them with their records.
"""
import sqlalchemy as sa
from sqlalchemy.orm import deferred, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Attachment(db.Model):
    """One file attached to one record of a form."""

    __tablename__ = "attachments"
    id = sa.Column(sa.Integer, primary_key=True)
    table_name = sa.Column(sa.String(64), nullable=False)
    row_id = sa.Column(sa.Integer, nullable=False)
    kind = sa.Column(sa.String(40), nullable=False)
    filename = sa.Column(sa.String(200), nullable=False)
    mime = sa.Column(sa.String(80), nullable=False)
    size = sa.Column(sa.Integer, nullable=False)
    sha256 = sa.Column(sa.String(64), nullable=False)
    content = deferred(sa.Column(sa.LargeBinary, nullable=False))
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    uploaded_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    uploaded_by = relationship("User", lazy="joined")
    __table_args__ = (sa.Index("ix_attachments_row", "table_name", "row_id"),)

"""The append-only record of every state change a flow performs."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from ..core.time import UTCDateTime, utcnow


class TransitionLog(db.Model):
    """One decision: which record, from which state to which, by whom, when, and why."""

    __tablename__ = "transition_logs"
    id = sa.Column(sa.Integer, primary_key=True)
    table_name = sa.Column(sa.String(64), nullable=False)
    row_id = sa.Column(sa.Integer, nullable=False)
    action = sa.Column(sa.String(40), nullable=False)
    from_state = sa.Column(sa.String(40), nullable=False)
    to_state = sa.Column(sa.String(40), nullable=False)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    comment = sa.Column(sa.Text, nullable=False, default="")
    user = relationship("User", lazy="joined")
    __table_args__ = (sa.Index("ix_transition_logs_row", "table_name", "row_id"),)

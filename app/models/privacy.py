"""The append-only record of every use of personal data: a full value revealed, an export that carried it."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from ..i18n import Choices
from ..core.time import UTCDateTime, utcnow

PII_ACTIONS = Choices(reveal=("显示完整信息", "Revealed"), export=("导出", "Exported"))


class PiiAccessLog(db.Model):
    """Who saw or exported which personal data, when: a reveal names the record and field, an export the rows."""

    __tablename__ = "pii_access_logs"
    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True, info=dict(label="时间", en="When"))
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    action = sa.Column(sa.String(16), nullable=False, info=dict(label="操作", en="Action", choices=PII_ACTIONS))
    table_name = sa.Column(sa.String(64), nullable=False, info=dict(label="表单", en="Form"))
    row_id = sa.Column(sa.Integer, info=dict(label="记录", en="Record"))
    field = sa.Column(sa.String(64), info=dict(label="字段", en="Field"))
    rows = sa.Column(sa.Integer, info=dict(label="导出行数", en="Rows exported"))
    user = relationship("User", lazy="joined", info=dict(label="用户", en="User"))
    # checked by the database as the Choices say (a CHECK, not an Enum: the log's page filters by Chinese labels)
    __table_args__ = (sa.CheckConstraint("action IN ({})".format(", ".join(f"'{c}'" for c in PII_ACTIONS.codes)),
                                         name="ck_pii_access_logs_action"),)

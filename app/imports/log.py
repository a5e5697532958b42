"""The import log: every upload, who made it and what it did; it also keeps the file between preview and commit."""
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from ..i18n import Choices
from ..models import fields as f
from ..models.base import Table
from ..models.types import utcnow

IMPORT_STATUS = Choices(previewed=("待确认", "Previewed"), refused=("有错误未导入", "Refused"),
                        committed=("已导入", "Imported"))


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ImportLog(Table, db.Model):
    """导入记录: one uploaded file; the file itself is kept only until it is imported (in the database, so any
    app server can finish what another previewed)."""

    __label__ = ("导入记录", "Import log")
    token = sa.Column(sa.String(40), nullable=False, unique=True, default=new_token, info={"label": "令牌"})
    kind = f.text("导入类型", 40, required=True, index=True, en="Import")
    file_name = f.text("文件名", 200, required=True, en="File")
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True,
                        info={"label": "导入人", "en": "By", "kind": "ref", "target": "User", "validators": []})
    user = relationship("User", foreign_keys=[user_id], info={"label": "导入人", "en": "By"})
    uploaded_at = f.when("上传时间", required=True, default=utcnow, index=True, en="Uploaded")
    committed_at = f.when("导入时间", en="Imported")
    status = f.choice("状态", IMPORT_STATUS, required=True, default="previewed")
    created_count = f.count("新增行数", required=True, default=0, en="Created")
    updated_count = f.count("更新行数", required=True, default=0, en="Updated")
    unchanged_count = f.count("无变化行数", required=True, default=0, en="Unchanged")
    refused_count = f.count("拒绝行数", required=True, default=0, en="Refused")
    refusals = sa.Column(sa.JSON, nullable=False, default=list, info={"label": "拒绝原因", "en": "Refusals"})
    content = sa.Column(sa.LargeBinary, nullable=True, info={"label": "文件", "en": "File"})

    def record(self, outcome, shown=500):
        """Keep the counts and the first `shown` refused rows of a preview or an import."""
        self.created_count, self.updated_count = outcome.created, outcome.updated
        self.unchanged_count, self.refused_count = outcome.unchanged, outcome.refused_count
        self.refusals = [[number, [str(r) for r in reasons]] for number, reasons in outcome.refused[:shown]]

    def __str__(self):
        return self.file_name

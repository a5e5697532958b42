"""Uploading and serving the documents of a record, for logged-in users only."""
import hashlib
from io import BytesIO

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, send_file
from flask_admin import expose
from flask_login import current_user

from ..extensions import db
from ..i18n import text
from ..models.attachments import Attachment
from ..workflow import lock_reason
from ..validators import strip_unsafe

# What the manual's forms ask to be kept with them; any form may still take a 其他 document.
DOCUMENT_KINDS = {
    "renovation_application": ("产权证明", "租赁合同/业主授权书", "装修企业营业执照及资质", "设计图纸", "身份证复印件"),
    "renovation_guarantee": ("签字保证书扫描件",),
    "renovation_safety_undertaking": ("签字承诺书扫描件",),
    "renovation_worker_pass": ("身份证复印件", "工作照"),
    "renovation_inspection": ("现场照片",),
    "rectification_notice": ("违规照片", "签收单扫描件"),
    "waterproof_test": ("试验照片",),
    "renovation_completion_inspection": ("验收照片",),
    "key_loan": ("身份证复印件",),
    "owner_registration": ("身份证复印件", "照片"),
    "move_in_receipt": ("签收单扫描件",),
}
# File signatures: the type is read from the content, not trusted from the name.
SIGNATURES = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def sniff(content: bytes):
    return next((mime for magic, mime in SIGNATURES.items() if content.startswith(magic)), None)


def kinds_for(endpoint):
    return DOCUMENT_KINDS.get(endpoint, ()) + ("其他",)


def attachments_of(record):
    return db.session.scalars(sa.select(Attachment).filter_by(table_name=record.__tablename__, row_id=record.id)
                              .order_by(Attachment.id)).all()


class AttachmentsMixin:
    """Endpoints a form view gains: upload to a record, download one of its files."""

    @expose("/attach", methods=("POST",))
    def attach_view(self):
        record = self.get_one(request.args.get("id", ""))  # 404 unless one record of the user's estates
        back = redirect(self.get_url(".details_view", id=record.id))
        if lock_reason(record):
            flash(lock_reason(record), "error")
            return back
        upload, kind = request.files.get("file"), request.form.get("kind", "其他")
        if kind not in kinds_for(self.endpoint):
            kind = "其他"
        content = upload.read() if upload else b""
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        if not content:
            flash(text("请选择要上传的文件", "Choose a file to upload"), "error")
            return back
        if len(content) > limit:
            flash(text(f"文件过大:不能超过 {limit // 2**20} MB", f"Too large: at most {limit // 2**20} MB"), "error")
            return back
        mime = sniff(content)
        if mime is None:
            flash(text("只能上传 PDF、JPG 或 PNG 文件", "Only PDF, JPG or PNG files"), "error")
            return back
        db.session.add(Attachment(table_name=record.__tablename__, row_id=record.id, kind=kind,
                                  filename=strip_unsafe(upload.filename)[-200:] or "file", mime=mime, size=len(content),
                                  sha256=hashlib.sha256(content).hexdigest(), content=content,
                                  uploaded_by_id=current_user.id))
        db.session.commit()
        flash(text("已上传。", "Uploaded."), "success")
        return back

    @expose("/attachment/<int:attachment_id>")
    def attachment_view(self, attachment_id):
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None or attachment.table_name != self.model.__tablename__:
            abort(404)
        self.get_one(str(attachment.row_id))  # a document is reached only through its record's estate
        response = send_file(BytesIO(attachment.content), mimetype=attachment.mime,
                             download_name=attachment.filename)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"  # ID copies must not linger in shared caches
        return response

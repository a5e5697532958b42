"""Documents uploaded to a record: type and size limits, served to logged-in users only."""
import io

import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS
from app.models.attachments import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def first_id(app, name):
    with app.app_context():
        model = FORMS[name]
        return db.session.scalar(sa.select(model.id).order_by(model.id))


def upload(client, name, record_id, content, filename, kind="产权证明"):
    return client.post(f"/admin/{name}/attach?id={record_id}", follow_redirects=True, content_type="multipart/form-data",
                       data={"kind": kind, "file": (io.BytesIO(content), filename)})


def stored(app, record_id):
    with app.app_context():
        return db.session.scalars(sa.select(Attachment).filter_by(table_name="renovation_applications",
                                                                  row_id=record_id)).all()


def test_a_pdf_is_kept_and_served_to_logged_in_users(app, client_for):
    record_id = first_id(app, "renovation_application")
    clerk = client_for("clerk")
    page = upload(clerk, "renovation_application", record_id, PDF, "产权证.pdf").text
    assert "已上传" in page and "产权证.pdf" in page
    attachment = stored(app, record_id)[-1]
    assert (attachment.kind, attachment.mime, attachment.size) == ("产权证明", "application/pdf", len(PDF))
    download = clerk.get(f"/admin/renovation_application/attachment/{attachment.id}")
    assert download.data == PDF and "no-store" in download.headers["Cache-Control"]
    anonymous = app.test_client().get(f"/admin/renovation_application/attachment/{attachment.id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_files_that_are_not_pdf_jpg_or_png_are_refused(app, client_for):
    record_id = first_id(app, "renovation_application")
    before = len(stored(app, record_id))
    page = upload(client_for("clerk"), "renovation_application", record_id, b"MZ\x90\x00 not an image", "photo.png").text
    assert "只能上传 PDF、JPG 或 PNG 文件" in page
    assert len(stored(app, record_id)) == before


def test_files_over_the_limit_are_refused(app, client_for):
    record_id = first_id(app, "renovation_application")
    before = len(stored(app, record_id))
    app.config["MAX_UPLOAD_BYTES"] = 32
    try:
        page = upload(client_for("clerk"), "renovation_application", record_id, PNG, "big.png").text
    finally:
        app.config["MAX_UPLOAD_BYTES"] = 10 * 2**20
    assert "文件过大" in page and len(stored(app, record_id)) == before


def test_a_file_is_only_served_through_its_own_form(app, client_for):
    record_id = first_id(app, "renovation_application")
    clerk = client_for("clerk")
    upload(clerk, "renovation_application", record_id, PNG, "a.png", kind="设计图纸")
    attachment = stored(app, record_id)[-1]
    assert clerk.get(f"/admin/call_visit_log/attachment/{attachment.id}").status_code == 404

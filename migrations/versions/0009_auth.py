"""Sessions that can be ended and a security log: users.session_token, security_events.

Revision ID: 0009_auth
Revises: 0008
"""
import secrets

import sqlalchemy as sa
from alembic import op

import app.models.types

revision = "0009_auth"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_token", sa.String(length=32), nullable=True))
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():  # every existing cookie ends here
        connection.execute(users.update().where(users.c.id == user_id).values(session_token=secrets.token_hex(16)))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("session_token", existing_type=sa.String(length=32), nullable=False)

    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_security_events_actor_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_security_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_security_events_username_at", "security_events", ["username", "at"])
    op.create_index("ix_security_events_address_at", "security_events", ["address", "at"])


def downgrade():
    op.drop_index("ix_security_events_address_at", table_name="security_events")
    op.drop_index("ix_security_events_username_at", table_name="security_events")
    op.drop_table("security_events")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_token")

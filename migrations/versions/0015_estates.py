"""Estates per user, and ids that are never reused.

Users get the estates they work in (user_projects) and a company-wide flag; every user existing before this
revision keeps seeing what they saw (all estates there are), until an administrator narrows it. On SQLite every
table keyed by one integer id gets AUTOINCREMENT, so a deleted record's id never returns; existing ids and every
id the audit log has seen are remembered in sqlite_sequence. PostgreSQL sequences never go back: nothing to do.

Revision ID: 0015_estates
Revises: 0014_engine
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0015_estates"
down_revision = "0014_engine"
branch_labels = None
depends_on = None

ID_COLUMN = re.compile(r'(?m)^(\s*"?id"? INTEGER NOT NULL)(,)')
PK_CONSTRAINT = re.compile(r",\s*CONSTRAINT \w+ PRIMARY KEY \(id\)|CONSTRAINT \w+ PRIMARY KEY \(id\),\s*")


def upgrade():
    op.create_table(
        "user_projects",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_user_projects_project_id_projects"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_projects_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "project_id", name=op.f("pk_user_projects")),
    )
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("all_projects", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("INSERT INTO user_projects (user_id, project_id) SELECT users.id, projects.id FROM users, projects")
    if op.get_bind().dialect.name == "sqlite":
        _autoincrement_everywhere(op.get_bind())


def _rewrite_schema(connection, tables):
    """Change the CREATE TABLE text of `tables` in place: the on-disk format of a rowid table does not change."""
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar()
    connection.exec_driver_sql("PRAGMA writable_schema=ON")
    for name, sql in tables.items():
        connection.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"),
                           dict(sql=sql, name=name))
    connection.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    connection.exec_driver_sql("PRAGMA writable_schema=OFF")


def _keyed_by_id(connection):
    """{table: CREATE TABLE text} of the tables whose key is one integer column named id."""
    out = {}
    rows = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name != 'alembic_version'").all()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    for name, sql in rows:
        if any(name.startswith(f"{table}_") for table in virtual):  # a full-text index's own storage
            continue
        key = [row for row in connection.exec_driver_sql(f'PRAGMA table_info("{name}")') if row[5]]
        if len(key) == 1 and key[0][1] == "id" and key[0][2].upper() == "INTEGER":
            out[name] = sql
    return out


def _autoincrement_everywhere(connection):
    tables = {}
    for name, sql in _keyed_by_id(connection).items():
        if "AUTOINCREMENT" in sql:
            continue
        new = PK_CONSTRAINT.sub("", sql, count=1)
        new = ID_COLUMN.sub(r"\1 PRIMARY KEY AUTOINCREMENT\2", new, count=1)
        if new == sql or "AUTOINCREMENT" not in new:
            raise RuntimeError(f"cannot add AUTOINCREMENT to {name}: {sql}")
        tables[name] = new
    if not tables:
        return
    # sqlite_sequence exists once any AUTOINCREMENT table has been created the ordinary way
    connection.exec_driver_sql("CREATE TABLE _make_sqlite_sequence (id INTEGER PRIMARY KEY AUTOINCREMENT)")
    connection.exec_driver_sql("DROP TABLE _make_sqlite_sequence")
    _rewrite_schema(connection, tables)
    for name in tables:
        seen = connection.execute(sa.text(
            f'SELECT max(m) FROM (SELECT max(id) AS m FROM "{name}" UNION ALL '
            "SELECT max(row_id) FROM audit_logs WHERE table_name = :name)"), dict(name=name)).scalar()
        connection.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :name"), dict(name=name))
        connection.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
                           dict(name=name, seq=seen or 0))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        connection = op.get_bind()
        tables = {name: sql.replace(" PRIMARY KEY AUTOINCREMENT", " PRIMARY KEY")
                  for name, sql in _keyed_by_id(connection).items() if "AUTOINCREMENT" in sql}
        if tables:
            _rewrite_schema(connection, tables)
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("all_projects")
    op.drop_table("user_projects")

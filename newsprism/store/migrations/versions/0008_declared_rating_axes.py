"""declared rating axes: the axes a catalogue adds beside the three built in

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26

``axes(name, label, scale_json, toward, description, origin, updated_at)``: one row per
axis a catalogue declared (``sources.axes``). The scale is a JSON list of
``[value, label]`` in order rather than a child table: it is read whole, with the axis,
and never queried by value. The built-in axes (``us-left-right``, ``factuality``,
``wikipedia-reliability``) are code and have no row. Ratings keep naming their axis
by name (``ratings.axis``), as before; no foreign key, so that a rating on an axis not
(or no longer) declared stays stored and is simply not combined.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "axes",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("scale_json", sa.Text(), nullable=False),
        sa.Column("toward", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_axes")),
    )


def downgrade() -> None:
    op.drop_table("axes")

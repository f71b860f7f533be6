"""Alembic environment: runs on the connection handed in by ``store.db.migrate``."""

from alembic import context
from sqlalchemy import create_engine

from newsprism.store.schema import autogenerate_includes, metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` command line: use the URL from alembic.ini
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _run(connection)
    else:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=autogenerate_includes,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

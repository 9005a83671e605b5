"""Many rows into one table, the fastest way each database offers, inside the caller's transaction.

PostgreSQL: ``COPY ... FROM STDIN`` (psycopg's copy support). When the caller needs the new rows'
ids (a response's scores point at it), they are taken from the table's sequence first, in one
round trip, and copied with the rows. SQLite (and any other database): a multi-row
``INSERT ... RETURNING`` in the order of the rows (SQLAlchemy's insertmanyvalues).

Only columns the rows name are written: a column they leave out gets its server default (or
NULL), never a Python-side default, so callers name every column that needs a value.
"""

from __future__ import annotations

from sqlalchemy import JSON, Table, insert, text

from evalsys.db.transactions import mark_changed
from evalsys.json_text import dumps


def insert_rows(dbsession, table: Table, rows: list[dict], *, ids: bool = False) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) into ``table``; their new ids when ``ids``."""
    if not rows:
        return []
    mark_changed(dbsession)  # written past the ORM: the request's transaction must commit it
    connection = dbsession.connection()
    if connection.dialect.name != "postgresql":
        if not ids:
            connection.execute(insert(table), rows)
            return []
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(connection.execute(statement, rows).scalars())
    new_ids: list[int] = []
    if ids:
        new_ids = list(
            connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"table": table.name, "n": len(rows)},
            ).scalars()
        )
    names = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    encode = [name in json_columns for name in names]
    columns = (["id"] if ids else []) + names
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for k, row in enumerate(rows):
                values = [
                    dumps(value) if is_json and value is not None else value
                    for value, is_json in zip(row.values(), encode, strict=True)
                ]
                copy.write_row([new_ids[k], *values] if ids else values)
    finally:
        cursor.close()
    return new_ids

"""The floor of bulk work on PostgreSQL: COPY of the same rows, measured in the same run.

- import: the rows an import stored (participants, responses, scores), copied out, deleted,
  and timed as ``COPY ... FROM STDIN`` back into the same tables, in one transaction, with the
  same indexes, constraints and foreign keys;
- export: ``COPY (SELECT ...) TO STDOUT`` of the rows an export reads (each response with its
  participant's code, site, group and wave, its answers and its scores).
"""

from __future__ import annotations

import time

IMPORT_TABLES = ("participants", "responses", "scores")

EXPORT_SELECT = """
SELECT p.code, s.slug, p.group_name, w.label, r.submitted_at::date, r.mode, r.language,
       r.duration_seconds, r.quality_flags, r.answers,
       (SELECT json_object_agg(sc.instrument_key || '.' || sc.scale, sc.value)
          FROM scores sc WHERE sc.response_id = r.id) AS scores
FROM responses r
JOIN participants p ON p.id = r.participant_id
JOIN sites s ON s.id = p.site_id
JOIN waves w ON w.id = r.wave_id
WHERE r.intervention_id = {intervention_id} AND r.superseded_at IS NULL
ORDER BY p.code, w.position
"""


def _psycopg(engine):
    raw = engine.raw_connection()
    return raw, raw.driver_connection


def import_floor(engine) -> dict:
    """Seconds to COPY the stored rows of the import tables back in (they are there before
    and after: copied out, deleted, copied in)."""
    raw, connection = _psycopg(engine)
    try:
        data = {}
        with connection.cursor() as cursor:
            for table in IMPORT_TABLES:
                buffer = bytearray()
                with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    for block in copy:
                        buffer += block
                data[table] = bytes(buffer)
            for table in reversed(IMPORT_TABLES):
                cursor.execute(f"DELETE FROM {table}")
            connection.commit()
            started = time.perf_counter()
            for table in IMPORT_TABLES:
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data[table])
            connection.commit()
            seconds = time.perf_counter() - started
        return {"seconds": round(seconds, 2), "bytes": sum(len(d) for d in data.values())}
    finally:
        raw.close()


def export_floor(engine, intervention_id: int) -> dict:
    """Seconds to COPY the export's rows out as CSV (read to the end, written nowhere)."""
    raw, connection = _psycopg(engine)
    try:
        query = EXPORT_SELECT.format(intervention_id=int(intervention_id))
        started = time.perf_counter()
        size = 0
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    size += len(block)
        connection.rollback()
        return {"seconds": round(time.perf_counter() - started, 2), "bytes": size}
    finally:
        raw.close()

"""Never a double booking: the database refuses it, whatever writes the row.

PostgreSQL: an exclusion constraint for unit resources (btree_gist), a
trigger for pools that locks the resource row and counts seats at every
instant. SQLite: triggers with the same rules (write transactions are BEGIN
IMMEDIATE, so they run one at a time).
"""

from django.db import migrations

HOLDING = "('pending', 'confirmed')"

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE booking_booking ADD CONSTRAINT booking_no_overlap
        EXCLUDE USING gist (resource_id WITH =, tstzrange(start, blocked_until, '[)') WITH &&)
        WHERE (is_unit AND status IN {HOLDING})""",
    f"""CREATE OR REPLACE FUNCTION booking_pool_guard() RETURNS trigger AS $$
    DECLARE cap integer; worst integer;
    BEGIN
      IF NEW.is_unit OR NEW.status NOT IN {HOLDING} THEN RETURN NEW; END IF;
      -- one lock per resource, taken in the booking's transaction
      SELECT capacity INTO cap FROM booking_resource WHERE id = NEW.resource_id FOR UPDATE;
      SELECT COALESCE(MAX((
          SELECT COALESCE(SUM(c.seats), 0) FROM booking_booking c
          WHERE c.resource_id = NEW.resource_id AND c.status IN {HOLDING}
            AND c.id IS DISTINCT FROM NEW.id AND c.start <= p.t AND p.t < c.blocked_until
        )), 0) INTO worst
      FROM (SELECT NEW.start AS t UNION
            SELECT b.start FROM booking_booking b
            WHERE b.resource_id = NEW.resource_id AND b.status IN {HOLDING}
              AND b.id IS DISTINCT FROM NEW.id
              AND b.start > NEW.start AND b.start < NEW.blocked_until) p;
      IF worst + NEW.seats > cap THEN
        RAISE EXCEPTION 'booking_pool_full' USING ERRCODE = '23P01';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER booking_pool_guard BEFORE INSERT OR UPDATE ON booking_booking
       FOR EACH ROW EXECUTE FUNCTION booking_pool_guard()""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS booking_pool_guard ON booking_booking",
    "DROP FUNCTION IF EXISTS booking_pool_guard()",
    "ALTER TABLE booking_booking DROP CONSTRAINT IF EXISTS booking_no_overlap",
]

_UNIT_CHECK = f"""SELECT RAISE(ABORT, 'booking_overlap') WHERE EXISTS (
      SELECT 1 FROM booking_booking b
      WHERE b.resource_id = NEW.resource_id AND b.is_unit AND b.status IN {HOLDING}
        AND b.id IS NOT NEW.id AND b.start < NEW.blocked_until AND NEW.start < b.blocked_until);"""
_POOL_CHECK = f"""SELECT RAISE(ABORT, 'booking_pool_full') WHERE NEW.seats + (
      SELECT COALESCE(MAX((
          SELECT COALESCE(SUM(c.seats), 0) FROM booking_booking c
          WHERE c.resource_id = NEW.resource_id AND c.status IN {HOLDING}
            AND c.id IS NOT NEW.id AND c.start <= p.t AND p.t < c.blocked_until
        )), 0)
      FROM (SELECT NEW.start AS t UNION
            SELECT b.start FROM booking_booking b
            WHERE b.resource_id = NEW.resource_id AND b.status IN {HOLDING}
              AND b.id IS NOT NEW.id
              AND b.start > NEW.start AND b.start < NEW.blocked_until) p
    ) > (SELECT capacity FROM booking_resource WHERE id = NEW.resource_id);"""
SQLITE_FORWARD = [
    f"""CREATE TRIGGER booking_{name}_{event.split()[0].lower()} BEFORE {event} ON booking_booking
    WHEN {"" if name == "unit" else "NOT "}NEW.is_unit AND NEW.status IN {HOLDING}
    BEGIN {check} END"""
    for name, check in (("unit", _UNIT_CHECK), ("pool", _POOL_CHECK))
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS booking_{name}_{event}"
    for name in ("unit", "pool")
    for event in ("insert", "update")
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]

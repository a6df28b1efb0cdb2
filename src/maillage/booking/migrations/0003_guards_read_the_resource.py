"""The database's no-double-booking guards read the resource, never a row's copy of it.

Before: the exclusion constraint and the pool trigger trusted ``is_unit``, a
per-booking copy of "is this resource a unit" written by ``Booking.save()``.
A host turning a pool into a room left the old rows marked "pool", so an
overlapping booking from the admin was accepted; ``bulk_create`` (which skips
``save()``) left the default ``is_unit = true`` on a pool, so the seat count
was skipped (15 seats held on a 10-seat pool).

Now, whatever writes the row:

- PostgreSQL: a BEFORE INSERT OR UPDATE trigger on bookings locks the resource
  row (``FOR UPDATE``), sets ``is_unit`` from the resource's kind (and
  ``blocked_until`` from its buffer when the end changes), then counts seats
  for pools; the exclusion constraint keeps refusing overlapping units. An
  AFTER UPDATE trigger on resources re-derives ``is_unit`` on every booking of
  the resource when its kind changes between pool and unit, and re-checks the
  holding bookings when its capacity shrinks: a change that would leave two
  overlapping bookings of a unit, or more seats than the capacity, is refused.
- SQLite: the triggers read the resource's kind themselves (``is_unit`` is not
  consulted) and the same resource trigger re-checks every booking.
"""

import importlib

from django.db import migrations

_0002 = importlib.import_module("maillage.booking.migrations.0002_no_double_booking")

HOLDING = "('pending', 'confirmed')"

# ---------------------------------------------------------------- PostgreSQL

PG_FORWARD = [
    "DROP TRIGGER IF EXISTS booking_pool_guard ON booking_booking",
    f"""CREATE OR REPLACE FUNCTION booking_pool_guard() RETURNS trigger AS $$
    DECLARE res record; worst integer;
    BEGIN
      -- The resource decides, never the row: lock it (a concurrent change of
      -- its kind or capacity waits for this booking, or this booking for it).
      SELECT kind, capacity, buffer_minutes INTO res
        FROM booking_resource WHERE id = NEW.resource_id FOR UPDATE;
      NEW.is_unit := res.kind <> 'desk-pool';
      IF TG_OP = 'INSERT' OR NEW."end" IS DISTINCT FROM OLD."end"
         OR NEW.resource_id IS DISTINCT FROM OLD.resource_id THEN
        NEW.blocked_until := NEW."end" + make_interval(mins => res.buffer_minutes);
      END IF;
      IF NEW.is_unit OR NEW.status NOT IN {HOLDING} THEN RETURN NEW; END IF;
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
      IF worst + NEW.seats > res.capacity THEN
        RAISE EXCEPTION 'booking_pool_full' USING ERRCODE = '23P01';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER booking_pool_guard BEFORE INSERT OR UPDATE ON booking_booking
       FOR EACH ROW EXECUTE FUNCTION booking_pool_guard()""",
    f"""CREATE OR REPLACE FUNCTION booking_resource_guard() RETURNS trigger AS $$
    BEGIN
      IF (NEW.kind = 'desk-pool') IS DISTINCT FROM (OLD.kind = 'desk-pool') THEN
        -- every row takes the new kind; the exclusion constraint (room) or the
        -- pool trigger (seats) refuses the change if the bookings do not fit
        UPDATE booking_booking SET is_unit = (NEW.kind <> 'desk-pool')
          WHERE resource_id = NEW.id;
      ELSIF NEW.capacity < OLD.capacity AND NEW.kind = 'desk-pool' THEN
        UPDATE booking_booking SET is_unit = false
          WHERE resource_id = NEW.id AND status IN {HOLDING};
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER booking_resource_guard AFTER UPDATE OF kind, capacity ON booking_resource
       FOR EACH ROW EXECUTE FUNCTION booking_resource_guard()""",
    # rows written before this migration by a path that skipped save()
    """UPDATE booking_booking b SET is_unit = (r.kind <> 'desk-pool')
       FROM booking_resource r WHERE r.id = b.resource_id AND b.is_unit <> (r.kind <> 'desk-pool')""",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS booking_resource_guard ON booking_resource",
    "DROP FUNCTION IF EXISTS booking_resource_guard()",
]

# ---------------------------------------------------------------- SQLite

_IS_POOL = "(SELECT kind FROM booking_resource WHERE id = NEW.resource_id) = 'desk-pool'"
_UNIT_CHECK = f"""SELECT RAISE(ABORT, 'booking_overlap') WHERE EXISTS (
      SELECT 1 FROM booking_booking b
      WHERE b.resource_id = NEW.resource_id AND b.status IN {HOLDING}
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
_OLD_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS booking_{name}_{event}"
    for name in ("unit", "pool")
    for event in ("insert", "update")
]
SQLITE_FORWARD = [
    *_OLD_TRIGGERS,
    *(
        f"""CREATE TRIGGER booking_{name}_{event.lower()} BEFORE {event} ON booking_booking
        WHEN {"NOT " if name == "unit" else ""}{_IS_POOL} AND NEW.status IN {HOLDING}
        BEGIN {check} END"""
        for name, check in (("unit", _UNIT_CHECK), ("pool", _POOL_CHECK))
        for event in ("INSERT", "UPDATE")
    ),
    # keep the row's copy true for PostgreSQL-compatible readers (bulk writes skip save())
    f"""CREATE TRIGGER booking_is_unit_insert AFTER INSERT ON booking_booking
    WHEN NEW.is_unit IS NOT (NOT {_IS_POOL})
    BEGIN UPDATE booking_booking SET is_unit = NOT {_IS_POOL} WHERE id = NEW.id; END""",
    # a kind or capacity change re-checks every booking of the resource
    """CREATE TRIGGER booking_resource_guard AFTER UPDATE OF kind, capacity ON booking_resource
    WHEN (NEW.kind = 'desk-pool') IS NOT (OLD.kind = 'desk-pool') OR NEW.capacity < OLD.capacity
    BEGIN UPDATE booking_booking SET is_unit = (NEW.kind <> 'desk-pool')
          WHERE resource_id = NEW.id; END""",
    """UPDATE booking_booking SET is_unit = (
         SELECT kind <> 'desk-pool' FROM booking_resource r WHERE r.id = booking_booking.resource_id)""",
]
SQLITE_BACKWARD = [
    *_OLD_TRIGGERS,
    "DROP TRIGGER IF EXISTS booking_is_unit_insert",
    "DROP TRIGGER IF EXISTS booking_resource_guard",
    *_0002.SQLITE_FORWARD,
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in [*PG_BACKWARD, "DROP TRIGGER IF EXISTS booking_pool_guard ON booking_booking"]:
            schema_editor.execute(sql)
        for sql in _0002.PG_FORWARD[2:]:  # the old function and trigger (constraint kept)
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("booking", "0002_no_double_booking")]
    operations = [migrations.RunPython(forward, backward)]

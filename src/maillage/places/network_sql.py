"""The database triggers that keep the network's version (see :mod:`.network`).

Each write to a table the read model reads bumps the one row of
``places_networkversion`` and logs the changed place (NULL: everything) in
``places_networkchange``, in the writer's own transaction: a reader never sees a
version whose data is not committed, whatever process, host or tool wrote it
(the ORM, a command, the admin, raw SQL). On PostgreSQL the row lock on the
version orders concurrent writers, so versions grow in commit order.

After a TRUNCATE (a test database flushed) the row is created again at a random
version, so that a model built before cannot be mistaken for the new data.

A migration that changes one of these tables on SQLite rebuilds it, which SQLite
refuses while another table's trigger names it: such a migration uninstalls the
triggers first and installs them again last (see events' 0005_calendar_subscriptions).
"""

from __future__ import annotations

# ruff: noqa: S608 (table and column names are constants of this module, never input)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION maillage_network_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
  col text := TG_ARGV[0];
  via text := TG_ARGV[1];
  ids bigint[] := '{}';
  pid bigint;
BEGIN
  INSERT INTO places_networkversion (id, version)
    VALUES (1, floor(random() * 1e12)::bigint)
    ON CONFLICT (id) DO UPDATE SET version = places_networkversion.version + 1
    RETURNING version INTO v;
  IF col = '' THEN
    INSERT INTO places_networkchange (version, place_id) VALUES (v, NULL);
    RETURN NULL;
  END IF;
  IF TG_OP <> 'DELETE' THEN ids := ids || (to_jsonb(NEW) ->> col)::bigint; END IF;
  IF TG_OP <> 'INSERT' THEN ids := ids || (to_jsonb(OLD) ->> col)::bigint; END IF;
  FOREACH pid IN ARRAY ids LOOP
    IF via = 'event' THEN
      SELECT place_id INTO pid FROM events_event WHERE id = pid;
    END IF;
    INSERT INTO places_networkchange (version, place_id) VALUES (v, pid);
  END LOOP;
  RETURN NULL;
END $$;
"""

_SQLITE_BUMP = (
    "INSERT INTO places_networkversion (id, version) VALUES (1, abs(random() % 1000000000000)) "
    "ON CONFLICT(id) DO UPDATE SET version = version + 1;"
)


def _sqlite_place(expr: str) -> str:
    return (
        "INSERT INTO places_networkchange (version, place_id) "
        f"SELECT version, {expr} FROM places_networkversion WHERE id = 1;"
    )


def forward(vendor: str, table: str, column: str = "", via: str = "") -> list[str]:
    """SQL creating the triggers of ``table``: ``column`` holds the place's id ("" for
    a table whose change touches every place); ``via="event"``: ``column`` holds an
    event's id, whose place is looked up."""
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS network_changed ON {table};",
            f"CREATE TRIGGER network_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION maillage_network_changed('{column}', '{via}');",
        ]
    if vendor != "sqlite":
        raise NotImplementedError(vendor)

    def place(row: str) -> str:
        if not column:
            return "NULL"
        if via == "event":
            return f"(SELECT place_id FROM events_event WHERE id = {row}.{column})"
        return f"{row}.{column}"

    statements = []
    for op, rows in (("INSERT", ("NEW",)), ("UPDATE", ("NEW", "OLD")), ("DELETE", ("OLD",))):
        body = _SQLITE_BUMP + "".join(_sqlite_place(place(r)) for r in rows)
        statements.append(f"DROP TRIGGER IF EXISTS network_{table}_{op.lower()};")
        statements.append(
            f"CREATE TRIGGER network_{table}_{op.lower()} AFTER {op} ON {table} "
            f"FOR EACH ROW BEGIN {body} END;"
        )
    return statements


def backward(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS network_changed ON {table};"]
    return [
        f"DROP TRIGGER IF EXISTS network_{table}_{op};" for op in ("insert", "update", "delete")
    ]


#: the tables of the places and territory apps the read model reads
PLACES_TABLES = (
    ("places_place", "id"),
    ("places_placefunction", "place_id"),
    ("places_closure", "place_id"),
    ("places_notice", "place_id"),
    ("places_mobilestop", "place_id"),
    ("places_place_networks", "place_id"),
    ("places_network", ""),
    ("places_function", ""),
    ("places_functionfamily", ""),
    ("territory_commune", ""),
)


def install(schema_editor, tables) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
    for table, column, *via in tables:
        for sql in forward(vendor, table, column, via[0] if via else ""):
            schema_editor.execute(sql)


def uninstall(schema_editor, tables) -> None:
    vendor = schema_editor.connection.vendor
    for table, *_rest in tables:
        for sql in backward(vendor, table):
            schema_editor.execute(sql)

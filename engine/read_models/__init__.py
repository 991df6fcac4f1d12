"""Read models the designer needs beyond the engine's own queries: listings with filters, pagination and
totals, approval inboxes, deployed versions, metrics. Read-only SQLAlchemy Core over the storage tables,
each run inside the engine's read transaction (on SQLite one that never blocks a writer)."""

"""The REST API under /api: one controller per resource."""

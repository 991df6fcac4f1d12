"""The designer's settings: one frozen value built by the CLI (or a test) and handed to `create_app`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from engine.database import default_database_url

__all__ = ["STATIC_DIR", "Settings"]

STATIC_DIR = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    static_dir: Path = STATIC_DIR
    default_tenant: str = "default"
    session_ttl: timedelta = timedelta(hours=12)
    login_max_failures: int = 5
    login_window: timedelta = timedelta(minutes=15)
    login_address_max_failures: int = 20
    login_backoff: timedelta = timedelta(seconds=30)
    secure_cookies: bool = False
    max_body_bytes: int = 2 * 1024 * 1024
    body_read_timeout: timedelta = timedelta(seconds=30)  # the longest wait for a body's next bytes: then 408
    workers: int = 1
    deploy_shipped: bool = True  # the shipped flows at start-up; `serve` only with --demo or --shipped-flows
    debug: bool = False
    log_format: str = "text"  # text, or json: the root logger's JSON handler is kept (engine.log_format)
    extra_definition_roots: tuple[Path, ...] = field(default_factory=tuple)
    executor: str | None = None  # rules or llm; None: $STATEWRIGHT_EXECUTOR, else rules
    graphviz_slots: int = 6  # Graphviz runs at once (layouts, diagrams, review packs); designer/graphviz_slots.py
    graphviz_slots_per_user: int = 2  # of them, one user's at most: the next is 429 too-many-diagrams

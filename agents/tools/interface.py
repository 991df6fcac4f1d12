"""The integration interface: one Protocol per system the agents use, named as in the design document.

Every method takes keyword parameters and returns a JSON object, so that the tool registry can expose it under
its dotted name (`crm.contacts.search` is `Crm.search_contacts`) to rules handlers and LLM tool calls alike.
A real integration (a CRM's REST API, Google Calendar, Zendesk, ...) implements the Protocol; the sandbox in
`agents.tools.sandbox` implements every one of them over tables in the engine's database.

Writes take an `idempotency_key`: the same key twice makes one record, and the second call returns it with
`created: false` (the engine runs actions at least once).
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["Analytics", "Calendar", "Chat", "Crm", "Helpdesk", "Knowledge", "Mailbox", "Memory", "Policies", "Web",
           "Workforce"]

Json = dict[str, Any]


class Crm(Protocol):
    """crm.contacts.*, crm.notes.*, crm.companies.*, crm.accounts.read, crm.deals.*"""

    def search_contacts(self, *, query: str = "", email: str | None = None, company: str | None = None,
                        limit: int = 10) -> Json: ...

    def create_contact(self, *, email: str, name: str | None = None, title: str | None = None,
                       company: str | None = None, owner: str | None = None, source: str | None = None,
                       status: str = "lead", score: int | None = None,
                       properties: dict[str, Any] | None = None) -> Json: ...

    def update_contact(self, *, contact_id: str, name: str | None = None, title: str | None = None,
                       company: str | None = None, owner: str | None = None, status: str | None = None,
                       score: int | None = None, properties: dict[str, Any] | None = None) -> Json: ...

    def add_note(self, *, subject_id: str, body: str, subject_type: str = "contact", author: str | None = None,
                 idempotency_key: str | None = None) -> Json: ...

    def search_notes(self, *, subject_id: str | None = None, query: str = "", limit: int = 20) -> Json: ...

    def search_companies(self, *, query: str = "", name: str | None = None, domain: str | None = None,
                         limit: int = 10) -> Json: ...

    def update_company(self, *, company_id: str, employee_count: int | None = None, industry: str | None = None,
                       tech_stack: list[str] | None = None, owner: str | None = None,
                       properties: dict[str, Any] | None = None) -> Json: ...

    def read_account(self, *, company_id: str | None = None, name: str | None = None) -> Json: ...

    def search_deals(self, *, company: str | None = None, stage: str | None = None, limit: int = 20) -> Json: ...

    def update_deal(self, *, deal_id: str, stage: str | None = None, amount_usd: float | None = None,
                    credit: dict[str, Any] | None = None) -> Json: ...


class Calendar(Protocol):
    """calendar.availability.find, calendar.events.create, calendar.events.search"""

    def find_availability(self, *, organizer: str, duration_minutes: int = 30, within_days: int = 10,
                          limit: int = 5) -> Json: ...

    def create_event(self, *, title: str, organizer: str, starts_at: str, duration_minutes: int,
                     attendees: list[str], kind: str = "meeting", description: str = "",
                     idempotency_key: str | None = None) -> Json: ...

    def search_events(self, *, attendee_email: str | None = None, organizer: str | None = None,
                      kind: str | None = None, upcoming_only: bool = True) -> Json: ...


class Mailbox(Protocol):
    """email.send"""

    def send(self, *, to: str, subject: str, body: str, sender: str = "statewright@example.com",
             tag: str | None = None, idempotency_key: str | None = None) -> Json: ...


class Chat(Protocol):
    """slack.notify"""

    def notify(self, *, channel: str, text: str, details: dict[str, Any] | None = None,
               sender: str = "statewright", idempotency_key: str | None = None) -> Json: ...


class Helpdesk(Protocol):
    """helpdesk.tickets.read/update/search/create, helpdesk.comments.add"""

    def read_ticket(self, *, ticket_id: str) -> Json: ...

    def update_ticket(self, *, ticket_id: str, status: str | None = None, priority: str | None = None,
                      category: str | None = None, assignee: str | None = None,
                      tags: list[str] | None = None) -> Json: ...

    def search_tickets(self, *, company: str | None = None, requester_email: str | None = None,
                       team: str | None = None, status: str | None = None, query: str = "",
                       limit: int = 20) -> Json: ...

    def create_ticket(self, *, subject: str, description: str = "", requester_email: str | None = None,
                      company: str | None = None, team: str | None = None, priority: str | None = None,
                      ticket_id: str | None = None, idempotency_key: str | None = None) -> Json: ...

    def add_comment(self, *, ticket_id: str, body: str, public: bool = True, author: str = "support",
                    idempotency_key: str | None = None) -> Json: ...


class Knowledge(Protocol):
    """knowledge.search, knowledge.articles.create/update"""

    def search(self, *, query: str, category: str | None = None, limit: int = 5) -> Json: ...

    def create_article(self, *, title: str, category: str, content: str, tags: list[str] | None = None,
                       source: str | None = None, status: str = "published",
                       idempotency_key: str | None = None) -> Json: ...

    def update_article(self, *, article_id: str, title: str | None = None, category: str | None = None,
                       content: str | None = None, tags: list[str] | None = None, source: str | None = None,
                       status: str | None = None) -> Json: ...


class Web(Protocol):
    """web.search, web.scrape"""

    def search(self, *, query: str, limit: int = 5) -> Json: ...

    def scrape(self, *, url: str) -> Json: ...


class Analytics(Protocol):
    """analytics.query, analytics.record"""

    def query(self, *, dataset: str, key: str | None = None, limit: int = 100) -> Json: ...

    def record(self, *, dataset: str, key: str, data: dict[str, Any], row_id: str | None = None,
               idempotency_key: str | None = None) -> Json: ...


class Memory(Protocol):
    """memory.get, memory.set, memory.append, memory.get_list: the engine's shared memory (engine.runtime.memory),
    with a time to live; `append` adds to a list atomically. `scope` is
    'global' (the tenant's cross-workflow memory), 'workflow:<instance id>' (that workflow's memory, shared by its
    branches and subflows), or another name: a namespace inside the global memory (keys stored as '<name>:<key>').
    """

    def get(self, *, key: str, scope: str = "global") -> Json: ...

    def set(self, *, key: str, value: Any, scope: str = "global", ttl_s: float | None = None) -> Json: ...

    def append(self, *, key: str, value: Any, scope: str = "global", ttl_s: float | None = None) -> Json: ...

    def get_list(self, *, key: str, scope: str = "global") -> Json: ...


class Policies(Protocol):
    """policies.evaluate: the Policy Officer's rules of a workflow, at one of its states."""

    def evaluate(self, *, workflow_id: str, state: str, variables: dict[str, Any]) -> Json: ...


class Workforce(Protocol):
    """events.publish, workflows.start/status, budget.read, billing.usage.read: the engine, seen as a tool."""

    def publish(self, *, event_type: str, payload: dict[str, Any], correlation_key: str | None = None,
                tenant: str = "default", idempotency_key: str | None = None) -> Json: ...

    def start_workflow(self, *, workflow_id: str, context: dict[str, Any], tenant: str = "default",
                       idempotency_key: str | None = None) -> Json: ...

    def workflow_status(self, *, instance_id: str) -> Json: ...

    def read_budget(self, *, tenant: str = "default") -> Json: ...

    def read_usage(self, *, instance_id: str) -> Json: ...

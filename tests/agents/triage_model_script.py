"""A model's part in support_ticket_triage for the password-reset ticket, played by the chat-completions test
server (imported by name, like chat_completions_server): what a real model would answer, task by task.

It opens the ticket and triages it with tool calls (one of them with arguments that are not JSON, which goes back
to it and is corrected), answers each task with output of the shape the flow's context schema asks, searches the
knowledge base with the task's input and answers the matches the tool returned, and posts the article as the
solution. The provider fails once with HTTP 500 after the comment was posted; the retried attempt makes the same
call again (the model does not know it was posted).
"""

from __future__ import annotations

import json
from typing import Any

from chat_completions_server import Reply, Script, completion, tool_call

__all__ = ["CLASSIFICATION", "TICKET", "triage_script"]

TICKET = {
    "ticket_id": "T-2001",
    "subject": "Locked out after password reset",
    "description": "I reset my password yesterday and now I can't sign in, it says my account is locked.",
    "requester_email": "ana.garcia@umbrella-health.com",
}
CLASSIFICATION = {"priority": "P3", "category": "account",
                  "summary": "A single user is locked out after a password reset."}


def _input(request: dict[str, Any]) -> dict[str, Any]:
    """The task's input, as the executor put it in the user message."""
    (user,) = [m for m in request["messages"] if m["role"] == "user"][:1]
    found: dict[str, Any] = json.loads(user["content"])["input"]
    return found


def _tool_results(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(m["content"]) for m in request["messages"] if m["role"] == "tool"]


def _search_from_input(request: dict[str, Any]) -> dict[str, Any]:
    asked = _input(request)
    return completion(None, [tool_call("call_search", "knowledge.search", {
        "query": asked["query"], "category": asked["category"], "limit": asked["limit"]})])


def _matches_from_search(request: dict[str, Any]) -> dict[str, Any]:
    (found,) = _tool_results(request)
    matches = [{k: m[k] for k in ("article_id", "title", "score", "content", "url")} for m in found["matches"]]
    return completion(json.dumps({"matches": matches}))


def _comment_from_input(request: dict[str, Any]) -> dict[str, Any]:
    asked = _input(request)
    return completion(None, [tool_call("call_comment", "helpdesk.comments.add", {
        "ticket_id": asked["ticket_id"], "body": asked["solution"], "public": True})])


def _response_from_results(request: dict[str, Any]) -> dict[str, Any]:
    comment, update = _tool_results(request)
    return completion(json.dumps({"comment_id": comment["comment"]["id"], "status": update["ticket"]["status"],
                                  "article_id": _input(request)["article_id"]}))


def triage_script(script: Script) -> None:
    """The model's replies for TICKET through support_ticket_triage, with one malformed tool call (classify) and
    one HTTP 500 after the solution was posted (respond)."""
    ticket_id = TICKET["ticket_id"]
    malformed = {"id": "call_bad", "type": "function",
                 "function": {"name": "helpdesk__tickets__update", "arguments": '{"ticket_id": "T-2001", priority: P3'}}
    script.replies += [
        # classify: open the ticket, set its triage (first with arguments that are not JSON), answer
        Reply(completion(None, [tool_call("call_open", "helpdesk.tickets.create", TICKET)])),
        Reply(completion(None, [malformed])),
        Reply(completion(None, [tool_call("call_triage", "helpdesk.tickets.update", {
            "ticket_id": ticket_id, "priority": "P3", "category": "account", "status": "open"})])),
        Reply(completion(json.dumps(CLASSIFICATION))),
        # search_knowledge (the Knowledge Librarian): search with the task's input, answer the matches
        Reply(answer=_search_from_input),
        Reply(answer=_matches_from_search),
        # respond: post the solution; the provider then fails once
        Reply(answer=_comment_from_input),
        Reply({"error": {"message": "internal error", "type": "server_error"}}, status=500),
        # respond, attempt 2: the same comment again (the model does not know it was posted), solve, answer
        Reply(answer=_comment_from_input),
        Reply(completion(None, [tool_call("call_solve", "helpdesk.tickets.update", {
            "ticket_id": ticket_id, "status": "solved", "tags": ["deflected"]})])),
        Reply(answer=_response_from_results),
    ]

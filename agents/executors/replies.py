"""Reading a model's replies: the final answer as the JSON value it holds (within a code fence, after a reasoning
model's thinking, from content parts), a tool call's arguments, the tokens a reply says it billed, and what is
wrong with each — said for the model to correct (`Reply`), never a failure of the worker."""

from __future__ import annotations

import json
import re
from typing import Any

from engine.errors import InvalidInput
from engine.json_limits import check_json
from engine.json_schemas import compile_schema

__all__ = ["Reply", "billed_tokens", "final_output", "schema_problem", "tool_arguments"]


class Reply(ValueError):
    """A mistake to send back to the model: the message it will read."""


def schema_problem(output: Any, schema: dict[str, Any] | None) -> str | None:
    """The first way `output` misses `schema` (a JSON pointer and the reason); None when it meets it."""
    if schema is None:
        return None
    for error in compile_schema(schema).iter_errors(output):
        where = "/" + "/".join(str(p) for p in error.instance_path)
        return f"at {where}: {error.message}"
    return None


_MAX_BILLED_TOKENS = 2**31 - 1  # more than any context window; a larger count is not a bill


def billed_tokens(usage: dict[str, Any] | None) -> tuple[int, int] | None:
    """A reply's `usage` as (prompt, completion) tokens; None when it is missing or not counts a bill could hold
    (a string, a fraction, a negative or boolean number): such a reply is costed from an estimate, never as
    free and never failing the action."""
    if usage is None:
        return None
    counts = (usage.get("prompt_tokens"), usage.get("completion_tokens"))
    if counts == (None, None):
        return None
    if not all(c is None or (type(c) is int and 0 <= c <= _MAX_BILLED_TOKENS) for c in counts):
        return None
    prompt, completion = (c or 0 for c in counts)
    return prompt, completion


# a reasoning model served by vLLM, Ollama or llama.cpp (DeepSeek-R1, Qwen3) writes its thinking into the content
# first, closed or not opened (the server may strip the opening tag): only what follows it is the answer
_THINKING = re.compile(r"\A\s*(?:<think>)?.*?</think>", re.DOTALL)


def _text_of(content: Any) -> Any:
    """A message's content as text: a list of parts (Mistral's reasoning models answer `[{"type": "thinking",
    ...}, {"type": "text", "text": ...}]`) is its text parts joined; anything else as it is."""
    if not isinstance(content, list):
        return content
    return "".join(part["text"] for part in content
                   if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str))


def final_output(content: Any) -> Any:
    content = _text_of(content)
    if not isinstance(content, str) or not content.strip():
        raise Reply("Your final message has no content. Reply with only the action's output as one JSON value.")
    try:
        output = _json_answer(content)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than the reader goes
        reason = exc if isinstance(exc, ValueError) else "it nests too deep"
        raise Reply(f"Your final message is not JSON ({reason}). Reply with only the action's output as one "
                     f"JSON value.") from exc
    try:  # what the engine could not store (a lone surrogate, over 1 MiB) it would fail, the reply's cost unrecorded
        check_json(output, "your output")
    except InvalidInput as exc:
        raise Reply(f"{str(exc)[0].upper()}{str(exc)[1:]}. Reply with only the action's output as one JSON "
                     f"value.") from exc
    return output


def _json_answer(content: str) -> Any:
    """The JSON value a final message holds: as it is, else after the thinking a reasoning model wrote first;
    either within a Markdown code fence or not. The first reason it is not JSON otherwise."""
    texts = [content.strip()]
    answer = _THINKING.sub("", texts[0], count=1).strip()
    if answer != texts[0]:
        texts.append(answer)
    first: ValueError | RecursionError | None = None
    for text in texts:
        if text.startswith("```"):
            text = text.strip("`").removeprefix("json").strip()  # noqa: PLW2901 - the same text, unfenced
        try:
            return json.loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            first = first or exc
    assert first is not None
    raise first


def _no_constant(name: str) -> Any:
    """`NaN`, `Infinity` and `-Infinity`, which Python reads but JSON does not have."""
    raise ValueError(f"{name} is not a JSON value")


def tool_arguments(tool: str, arguments: Any) -> dict[str, Any] | str:
    """A tool call's arguments (JSON text) as an object; what is wrong with them, for the model, when they are not
    one."""
    if isinstance(arguments, dict):  # an object, not its JSON text: some servers' tool parsers answer so
        return arguments
    try:
        parameters = json.loads(arguments or "{}")
    except (ValueError, TypeError) as exc:
        return f"the arguments of {tool} are not JSON: {exc}"
    except RecursionError:
        return f"the arguments of {tool} nest too deep to be read"
    if not isinstance(parameters, dict):
        return f"the arguments of {tool} are not a JSON object"
    return parameters

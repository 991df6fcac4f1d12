"""ASL Choice rules as CEL guards, and CEL guards (in the shared subset) as Choice rules.

Each comparison operator has one CEL form, so a guard imported from a rule exports to the same rule.
"""

from __future__ import annotations

import re
from typing import Any

from engine.interop.asl_paths import BadPath, data_path, parse_reference, reference_of
from engine.interop.cel_subset import (
    And,
    Call,
    Compare,
    Has,
    Literal,
    Node,
    Not,
    Or,
    OutsideSubset,
    Path,
    TypeName,
)

__all__ = ["OPERATORS", "RuleError", "guard_of_rule", "rule_of_guard"]

_OPS = {"Equals": "==", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=", "GreaterThanEquals": ">="}
_KINDS = ("String", "Numeric", "Boolean", "Timestamp")
OPERATORS = (
    *(f"{k}{o}{p}" for k in _KINDS for o in _OPS if k != "Boolean" or o == "Equals" for p in ("", "Path")),
    "StringMatches", "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp",
)
_EXPECTED: dict[str, tuple[type, ...]] = {"String": (str,), "Timestamp": (str,), "Numeric": (int, float),
                                          "Boolean": (bool,)}
# The States Language's timestamp, stricter than engine.definition.moments (upper-case `T` and `Z` only): an
# imported `IsTimestamp` keeps testing what the ASL rule tested, and exports back to it by this exact text
_RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
_NUMERIC_TYPES = ("int", "uint", "double")


class RuleError(ValueError):
    """A rule with no CEL counterpart, or a guard with no rule."""


def _variable(rule: dict[str, Any], prefix: Path | None) -> Path:
    try:
        path = parse_reference(rule["Variable"])
    except (BadPath, KeyError) as exc:
        raise RuleError(f"Variable: {exc}") from exc
    return data_path(Path((*prefix.parts, *path.parts)) if prefix else path)


def _wildcard_regex(pattern: str) -> str:
    out, i = ["^"], 0
    while i < len(pattern):
        if pattern.startswith("\\*", i) or pattern.startswith("\\\\", i):
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif pattern[i] == "*":
            out.append(".*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out) + "$"


def _type_test(path: Path, name: str) -> Node:
    if name == "numeric":
        return Or(tuple(Compare("==", Call("type", (path,)), TypeName(t)) for t in _NUMERIC_TYPES))
    if name == "timestamp":
        return And((Compare("==", Call("type", (path,)), TypeName("string")),
                    Call("matches", (Literal(_RFC3339),), path)))
    return Compare("==", Call("type", (path,)), TypeName(name))


def _presence(path: Path) -> Node:
    if any(isinstance(p, int) for p in path.parts):
        raise RuleError("IsPresent on a path through an array index has no CEL counterpart")
    steps = [Has(Path(path.parts[: i + 1])) for i in range(len(path.parts))]
    return steps[0] if len(steps) == 1 else And(tuple(steps))


def _comparison(  # noqa: PLR0912 - the operator families, one branch each
    rule: dict[str, Any], operator: str, prefix: Path | None, learned: dict[str, str]
) -> Node:
    left: Node = _variable(rule, prefix)
    value = rule[operator]
    if operator == "StringMatches":
        if not isinstance(value, str):
            raise RuleError("StringMatches takes a string")
        return Call("matches", (Literal(_wildcard_regex(value)),), left)
    if operator.startswith("Is"):
        if not isinstance(value, bool):
            raise RuleError(f"{operator} takes true or false")
        assert isinstance(left, Path)
        test: Node
        if operator == "IsNull":
            test = Compare("==", left, Literal(None))
        elif operator == "IsPresent":
            test = _presence(left)
        else:
            test = _type_test(left, {"IsNumeric": "numeric", "IsString": "string", "IsBoolean": "bool",
                                     "IsTimestamp": "timestamp"}[operator])
        return test if value else Not(test)
    kind = next(k for k in _KINDS if operator.startswith(k))
    rest = operator[len(kind):]
    by_path = rest.endswith("Path")
    op = _OPS[rest[:-4] if by_path else rest]
    right: Node
    if by_path:
        try:
            right = data_path(parse_reference(value))
        except BadPath as exc:
            raise RuleError(f"{operator}: {exc}") from exc
        if prefix is not None:
            right = data_path(Path((*prefix.parts, *parse_reference(value).parts)))
    else:
        if not isinstance(value, _EXPECTED[kind]) or (kind == "Numeric" and isinstance(value, bool)):
            raise RuleError(f"{operator} takes a {kind.lower()} value, not {value!r}")
        right = Literal(rule[operator])
    if by_path and kind != "Timestamp":
        learned[reference_of(left)] = kind  # type: ignore[arg-type]
        learned[reference_of(right)] = kind  # type: ignore[arg-type]
    if kind == "Timestamp":
        left, right = Call("timestamp", (left,)), Call("timestamp", (right,))
    return Compare(op, left, right)


def guard_of_rule(rule: dict[str, Any], prefix: Path | None = None, learned: dict[str, str] | None = None) -> Node:
    """One Choice rule (without its `Next`) as a CEL tree; `prefix` is the Choice state's InputPath.
    A `...Path` comparison records the type it compares in `learned` (`$.path` → String/Numeric/Boolean), so the
    context schema can say it and an export can choose the same operator again."""
    learned = {} if learned is None else learned
    if not isinstance(rule, dict):
        raise RuleError("a rule is an object")
    if "And" in rule or "Or" in rule:
        key = "And" if "And" in rule else "Or"
        items = rule[key]
        if not isinstance(items, list) or not items:
            raise RuleError(f"{key} takes a non-empty list of rules")
        nodes = tuple(guard_of_rule(r, prefix, learned) for r in items)
        return nodes[0] if len(nodes) == 1 else (And(nodes) if key == "And" else Or(nodes))
    if "Not" in rule:
        return Not(guard_of_rule(rule["Not"], prefix, learned))
    found = [k for k in rule if k in OPERATORS]
    others = [k for k in rule if k not in (*OPERATORS, "Variable", "Next", "Comment")]
    if others:
        raise RuleError(f"the rule field {others[0]} has no Statewright counterpart")
    if len(found) != 1 or "Variable" not in rule:
        raise RuleError("a rule needs a Variable and exactly one comparison operator")
    return _comparison(rule, found[0], prefix, learned)


# ---- export: a guard in the shared subset as a rule ----

def _ref(node: Node) -> str:
    if not isinstance(node, Path) or (node.parts and node.parts[0] in ("event", "instance", "now", "budget",
                                                                         "memory")):
        raise OutsideSubset("a Choice rule compares a path into the data")
    return reference_of(node)


def _kind_of_literal(value: object) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Numeric"
    if isinstance(value, str):
        return "String"
    raise OutsideSubset("null compares only with ==/!= (IsNull)")


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
_NAMES = {v: k for k, v in _OPS.items()}


def _compare_rule(node: Compare, types: dict[str, str]) -> dict[str, Any]:  # noqa: PLR0911 - one per operator family
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Literal) and not isinstance(right, Literal):
        left, right, op = right, left, _FLIP[op]
    if isinstance(left, Call) and left.function == "type" and isinstance(right, TypeName) and op in ("==", "!="):
        name = {"string": "IsString", "bool": "IsBoolean"}.get(right.name)
        if name is None:
            raise OutsideSubset(f"type(...) == {right.name} has no single ASL test")
        return {"Variable": _ref(left.args[0]), name: op == "=="}
    if isinstance(right, Literal) and right.value is None and op in ("==", "!="):
        return {"Variable": _ref(left), "IsNull": op == "=="}
    if op == "!=":
        return {"Not": _compare_rule(Compare("==", left, right), types)}
    if isinstance(left, Call) and isinstance(right, Call) and left.function == right.function == "timestamp":
        inner_left, inner_right = left.args[0], right.args[0]
        if isinstance(inner_right, Literal) and isinstance(inner_right.value, str):
            return {"Variable": _ref(inner_left), f"Timestamp{_NAMES[op]}": inner_right.value}
        return {"Variable": _ref(inner_left), f"Timestamp{_NAMES[op]}Path": _ref(inner_right)}
    if isinstance(right, Literal):
        kind = _kind_of_literal(right.value)
        if kind == "Boolean" and op != "==":
            raise OutsideSubset("booleans compare only with == in ASL")
        return {"Variable": _ref(left), f"{kind}{_NAMES[op]}": right.value}
    if isinstance(left, Path) and isinstance(right, Path):
        found = types.get(_ref(left)) or types.get(_ref(right))
        if found is None:
            raise OutsideSubset("comparing two paths needs the type of one of them in the context schema")
        return {"Variable": _ref(left), f"{found}{_NAMES[op]}Path": _ref(right)}
    raise OutsideSubset("this comparison has no ASL operator")


def _is_numeric_test(node: Or) -> Path | None:
    names = []
    target = None
    for item in node.items:
        if not (isinstance(item, Compare) and item.op == "==" and isinstance(item.left, Call)
                and item.left.function == "type" and isinstance(item.right, TypeName)):
            return None
        names.append(item.right.name)
        target = item.left.args[0]
    return target if tuple(names) == _NUMERIC_TYPES and isinstance(target, Path) else None


def _regex_wildcard(regex: str) -> str:
    if not (regex.startswith("^") and regex.endswith("$")):
        raise OutsideSubset("matches() exports only as an anchored wildcard pattern")
    body, out, i = regex[1:-1], [], 0
    while i < len(body):
        if body.startswith(".*", i):
            out.append("*")
            i += 2
        elif body[i] == "\\" and i + 1 < len(body) and not body[i + 1].isalnum():
            out.append("\\" + body[i + 1] if body[i + 1] in "*\\" else body[i + 1])
            i += 2
        elif body[i] in ".^$+?()[]{}|\\":
            raise OutsideSubset("matches() exports only as a wildcard pattern (literal text and '*')")
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def _presence_rule(node: And) -> dict[str, Any] | None:
    """`has(context.a) && has(a.b)` is the import of IsPresent $.a.b."""
    if not all(isinstance(i, Has) for i in node.items):
        return None
    paths = [i.path.parts for i in node.items if isinstance(i, Has)]
    if all(paths[k] == paths[-1][: k + 1] for k in range(len(paths))) and len(paths) == len(paths[-1]):
        return {"Variable": reference_of(Path(paths[-1])), "IsPresent": True}
    return None


def rule_of_guard(node: Node, types: dict[str, str]) -> dict[str, Any]:  # noqa: PLR0911, PLR0912 - one per node
    """A Choice rule for a guard tree; `types` maps `$.path` to String/Numeric/Boolean from the context schema."""
    if isinstance(node, Has):
        return {"Variable": reference_of(node.path), "IsPresent": True}
    if isinstance(node, Path):
        return {"Variable": _ref(node), "BooleanEquals": True}
    if isinstance(node, Not):
        inner = rule_of_guard(node.item, types)
        flags = [k for k in inner if k.startswith("Is")]
        if len(flags) == 1 and "Variable" in inner:
            return {**inner, flags[0]: not inner[flags[0]]}
        return {"Not": inner}
    if isinstance(node, Compare):
        return _compare_rule(node, types)
    if isinstance(node, Call) and node.function == "matches" and node.target is not None:
        pattern = node.args[0] if len(node.args) == 1 else None
        if not (isinstance(pattern, Literal) and isinstance(pattern.value, str)):
            raise OutsideSubset("matches() takes one pattern literal")
        regex: str = pattern.value
        if regex == _RFC3339:
            raise OutsideSubset("a timestamp pattern alone has no ASL test")
        return {"Variable": _ref(node.target), "StringMatches": _regex_wildcard(regex)}
    if isinstance(node, Or):
        numeric = _is_numeric_test(node)
        if numeric is not None:
            return {"Variable": _ref(numeric), "IsNumeric": True}
        return {"Or": [rule_of_guard(i, types) for i in node.items]}
    if isinstance(node, And):
        presence = _presence_rule(node)
        if presence is not None:
            return presence
        if (len(node.items) == 2 and isinstance(node.items[1], Call) and node.items[1].function == "matches"
                and node.items[1].args == (Literal(_RFC3339),) and isinstance(node.items[1].target, Path)):
            return {"Variable": _ref(node.items[1].target), "IsTimestamp": True}
        return {"And": [rule_of_guard(i, types) for i in node.items]}
    raise OutsideSubset("this expression is not a condition ASL can test")

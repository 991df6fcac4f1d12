"""Task resources: which Statewright action (or subflow) an ASL `Resource` names, and the ARN an export writes."""

from __future__ import annotations

import re

__all__ = ["CALLBACK", "SUBFLOW_RESOURCE", "TASK_TOKEN", "action_of_resource", "resource_of_action",
           "state_machine_arn"]

CALLBACK = ".waitForTaskToken"
# the context-object path a callback task passes to the service, which hands it back with the result
TASK_TOKEN = "$$.Task.Token"  # noqa: S105 - a JSONPath, not a secret
SUBFLOW_RESOURCE = "arn:aws:states:::states:startExecution.sync:2"
_LAMBDA = re.compile(r"^arn:aws:lambda:[^:]*:[^:]*:function:([A-Za-z0-9_\-]+)(?::[A-Za-z0-9_$\-]+)?$")
_ACTIVITY = re.compile(r"^arn:aws:states:[^:]*:[^:]*:activity:([A-Za-z0-9_\-]+)$")
_SERVICE = re.compile(r"^arn:aws:states:::([A-Za-z0-9_\-]+):([A-Za-z0-9_\-.]+?)(\.sync(?::2)?|\.waitForTaskToken)?$")
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def action_of_resource(resource: str) -> tuple[str, str] | None:
    """`(action, suffix)` for a Lambda function, an activity or a service integration; None if unknown."""
    plain = _PLACEHOLDER.sub("x", resource)  # SAM/CloudFormation substitutions such as ${AWS::Region}
    for pattern in (_LAMBDA, _ACTIVITY):
        match = pattern.match(plain)
        if match:
            return match.group(1), ""
    match = _SERVICE.match(plain)
    if match:
        return f"{match.group(1)}.{match.group(2)}", match.group(3) or ""
    return None


def resource_of_action(action: str) -> str:
    """A plain action is a Lambda function of that name; a dotted one (`crm.contacts.search`) a service call."""
    if "." in action:
        service, api = action.split(".", 1)
        return f"arn:aws:states:::{service}:{api}"
    return f"arn:aws:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{action}"


def state_machine_arn(workflow: str) -> str:
    return f"arn:aws:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{workflow}"

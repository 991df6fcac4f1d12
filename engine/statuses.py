"""Every status the engine records, by name, for the layers above (the designer, the agent system): an
instance's (decided by the engine), and a job's, an approval's and an action attempt's (defined beside the
tables whose stores compare them). Members are `StrEnum`s: each equals the string stored."""

from __future__ import annotations

from engine.runtime.snapshot import InstanceStatus
from storage.statuses import ApprovalStatus, AttemptOutcome, JobStatus

__all__ = ["ApprovalStatus", "AttemptOutcome", "InstanceStatus", "JobStatus"]

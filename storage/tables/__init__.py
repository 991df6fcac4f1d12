"""The tables of the durable engine, one module per concept. Importing this package registers them all."""

from storage.tables.agents import AgentRow
from storage.tables.approvals import ApprovalAssigneeRow, ApprovalDecisionRow, ApprovalRow
from storage.tables.attempt_spend import AttemptSpendRow
from storage.tables.attempts import ActionAttemptRow
from storage.tables.core import table_of
from storage.tables.costs import BudgetRow, BudgetUsageRow, CostRow
from storage.tables.definitions import DefinitionRow
from storage.tables.events import EventDeliveryRow, EventRow, EventWaitRow
from storage.tables.history import HistoryRow
from storage.tables.instances import InstanceRow
from storage.tables.jobs import JobRow
from storage.tables.map_lists import MapListRow
from storage.tables.memory import SharedMemoryRow
from storage.tables.prices import ModelPriceRow
from storage.tables.receipts import ReceiptRow
from storage.tables.schedules import ScheduleFireRow
from storage.tables.timers import TimerRow
from storage.tables.workers import WorkerRow

__all__ = [
    "ENGINE_TABLES",
    "ActionAttemptRow",
    "AgentRow",
    "ApprovalAssigneeRow",
    "ApprovalDecisionRow",
    "ApprovalRow",
    "AttemptSpendRow",
    "BudgetRow",
    "BudgetUsageRow",
    "CostRow",
    "DefinitionRow",
    "EventDeliveryRow",
    "EventRow",
    "EventWaitRow",
    "HistoryRow",
    "InstanceRow",
    "JobRow",
    "MapListRow",
    "ModelPriceRow",
    "ReceiptRow",
    "ScheduleFireRow",
    "SharedMemoryRow",
    "TimerRow",
    "WorkerRow",
    "table_of",
]

ENGINE_TABLES = (
    DefinitionRow,
    AgentRow,
    InstanceRow,
    HistoryRow,
    ActionAttemptRow,
    JobRow,
    TimerRow,
    ApprovalRow,
    ApprovalAssigneeRow,
    ApprovalDecisionRow,
    EventRow,
    EventWaitRow,
    EventDeliveryRow,
    ReceiptRow,
    CostRow,
    BudgetRow,
    BudgetUsageRow,
    ScheduleFireRow,
    SharedMemoryRow,
    ModelPriceRow,
    MapListRow,
    AttemptSpendRow,
    WorkerRow,
)

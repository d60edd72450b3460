"""Topics of the event contract and the event types each carries (default names, no prefix)."""

from __future__ import annotations

TOPICS: dict[str, tuple[str, ...]] = {
    "org.structure": ("WorkplaceUpserted", "ProfessionUpserted"),
    "hr.employees": ("EmployeeUpserted", "EmployeeLeft", "EmployeeErased"),
    "hr.competences": ("CompetenceAssessed", "CourseCompleted"),
    "ops.tasks": ("TaskDefined", "TaskDemandChanged", "TaskAssignmentReported", "AuthorisationRuleChanged"),
    "ops.digitalisation": ("DigitalisationChange",),
    "learning.catalog": ("LearningActivityPublished", "LearningActivityWithdrawn", "FundPublished",
                         "FundBalanceReported"),
    "rotation": ("RotationSlotOffered", "RotationSlotWithdrawn",
                 "RotationInterestExpressed", "RotationInterestWithdrawn"),
    "proposals": ("ProposalIssued", "ProposalWithdrawn"),
    "decisions": ("ProposalDecided",),
    "suggestions": ("SuggestionIssued", "SuggestionAnswered"),
    "feedback": ("CompetenceDisputed",),
}

TOPIC_OF_TYPE: dict[str, str] = {
    event_type: topic for topic, event_types in TOPICS.items() for event_type in event_types
}

# The topics producers write to, and the topics the system publishes on.
INPUT_TOPICS: tuple[str, ...] = (
    "org.structure", "hr.employees", "hr.competences", "ops.tasks",
    "ops.digitalisation", "learning.catalog", "rotation",
)
OUTPUT_TOPICS: tuple[str, ...] = ("proposals", "decisions", "suggestions", "feedback")
# The topics the worker consumes: everything producers write, and what people do in the review service
# (decisions, answers, competence disputes), whose /readyz and /metrics measure the worker's lag on them.
CONSUMED_TOPICS: tuple[str, ...] = INPUT_TOPICS + ("decisions", "suggestions", "feedback")

DEADLETTER_TOPIC = "tillid.deadletter"

SUPPORTED_SCHEMA_VERSIONS: tuple[int, ...] = (1,)

EVENT_TYPES: tuple[str, ...] = tuple(TOPIC_OF_TYPE)

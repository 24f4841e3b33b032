"""Rounds of funding, the organisations that apply, their eligibility checks, staged applications and adjustments,
one module a subject. Every name is here as well, so `from applications.models import Round` (and the paths the
migrations name) work as before."""

from applications.models.adjustments import (
    AdjustmentRequest,
    DeadlineExtension,
)
from applications.models.applications import (
    Application,
    ApplicationDocument,
    ApplicationSection,
    BudgetLine,
    EligibilityCheck,
    MediaAnswer,
    OutcomeTarget,
    UploadedFile,
    document_path,
    media_answer_path,
)
from applications.models.organisations import (
    Borough,
    Invitation,
    Membership,
    Organisation,
    invitation_expiry,
    new_invitation_token,
)
from applications.models.information import InformationRequest
from applications.models.questions import APPLICATION_PAGES, SLUGS_TAKEN, Answer, FileAnswer, Question, Section
from applications.models.rounds import (
    Criterion,
    DocumentKind,
    Indicator,
    Round,
    ScoreDescriptor,
    all_document_kinds,
    default_tranche_schedule,
    tranche_schedule_problems,
)

__all__ = [
    "APPLICATION_PAGES",
    "AdjustmentRequest",
    "Answer",
    "Application",
    "ApplicationDocument",
    "ApplicationSection",
    "Borough",
    "BudgetLine",
    "Criterion",
    "DeadlineExtension",
    "DocumentKind",
    "EligibilityCheck",
    "FileAnswer",
    "Indicator",
    "InformationRequest",
    "Invitation",
    "MediaAnswer",
    "Membership",
    "Organisation",
    "OutcomeTarget",
    "Question",
    "Round",
    "ScoreDescriptor",
    "Section",
    "SLUGS_TAKEN",
    "UploadedFile",
    "all_document_kinds",
    "default_tranche_schedule",
    "tranche_schedule_problems",
    "document_path",
    "invitation_expiry",
    "media_answer_path",
    "new_invitation_token",
]

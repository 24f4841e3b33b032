"""A programme manager walks a round's application as an applicant would, before it opens: each step's questions,
checked as they would be, with nothing saved. Answers to the round's own questions and the amount asked for are kept
in the manager's session only, so that a question asked for an earlier answer, and the budget's total, appear as an
applicant would see them."""

from datetime import date
from decimal import Decimal

from django.forms import BaseFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Role
from accounts.permissions import role_required
from applications.models import Application, Organisation, Question, Round
from applications.question_forms import SectionForm
from applications.wizard import step_form_kwargs, step_titles, wizard_steps
from core.forms import embed_in_page_form

MODEL_INSTANCES = {"organisation": Organisation, "declarations": Application}


def preview_key(round_: Round) -> str:
    return f"round_preview:{round_.pk}"


def _answers_for(form, answers: dict) -> dict:
    """The kept answers a step's form starts from: the round's own questions, and the amount asked for."""
    if isinstance(form, SectionForm):
        return {question.code: date.fromisoformat(answers[question.code]) if question.kind == Question.Kind.DATE
                else answers[question.code] for question in form.questions if question.code in answers}
    if "amount_requested" in getattr(form, "fields", {}) and "amount_requested" in answers:
        return {"amount_requested": answers["amount_requested"]}
    return getattr(form, "initial", {})


@role_required(Role.PROGRAMME_MANAGER)
def round_preview(request, pk: int, step: str | None = None):
    round_ = get_object_or_404(Round, pk=pk)
    forms = wizard_steps(round_)
    steps = [name for name in forms if name != "check"]
    if step is None:
        request.session.pop(preview_key(round_), None)  # each preview starts afresh
        return redirect("applications:round_preview_step", pk=round_.pk, step=steps[0])
    if step == "end":
        return render(request, "applications/manage/round_preview_end.html", {"round": round_})
    if step not in steps:
        raise Http404("No such step of this round's application")
    answers = request.session.get(preview_key(round_), {})
    amount = answers.get("amount_requested")
    kwargs = step_form_kwargs(
        round_, step, earlier_answers=lambda: answers, recorded=tuple, allow_recordings=lambda: True,
        amount_requested=Decimal(amount) if amount else None, uploaded=dict, uploaded_files=dict,
    )
    if step in MODEL_INSTANCES:
        kwargs["instance"] = MODEL_INSTANCES[step]()
    posted = request.method == "POST"
    form = embed_in_page_form(forms[step](
        request.POST if posted else None, request.FILES if posted else None, prefix=step, **kwargs
    ))
    if not posted:  # back on a step already walked: what was typed there
        form.initial = _answers_for(form, answers)
    if posted and form.is_valid():
        if isinstance(form, SectionForm):
            asked = {question.code for question in form.questions}
            answers = {code: value for code, value in answers.items() if code not in asked}
            answers.update({question.code: value for question, value in form.answers().items()})
        if step == "request":
            answers["amount_requested"] = str(form.cleaned_data["amount_requested"])
        request.session[preview_key(round_)] = answers
        following = steps[steps.index(step) + 1] if step != steps[-1] else "end"
        return redirect("applications:round_preview_step", pk=round_.pk, step=following)
    titles = step_titles(round_)
    return render(request, "applications/manage/round_preview.html", {
        "round": round_, "form": form, "step": step, "step_title": titles[step],
        "steps": [(name, titles[name]) for name in steps], "is_formset": isinstance(form, BaseFormSet),
        "amount_requested": kwargs.get("amount_requested"),
    })

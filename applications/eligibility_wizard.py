"""The eligibility checker: one question a page, before an organisation writes a word of its application."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from formtools.wizard.views import SessionWizardView

from applications import eligibility_forms
from applications.models import Round
from applications.selectors import organisation_for_member_or_404, round_open_for
from applications.services import eligibility_check_record
from core.forms import embed_in_page_form
from core.wizards import KnownStepsOnly

QUESTIONS = [
    ("board", eligibility_forms.BoardForm),
    ("leader", eligibility_forms.LeaderForm),
    ("staff", eligibility_forms.StaffForm),
    ("boroughs", eligibility_forms.BoroughsForm),
    ("income", eligibility_forms.IncomeForm),
    ("safeguarding", eligibility_forms.SafeguardingForm),
    ("governing_document", eligibility_forms.GoverningDocumentForm),
]


def _asks_about_staff(wizard) -> bool:
    return wizard.round.minimum_disabled_staff_share is not None


class EligibilityWizard(KnownStepsOnly, SessionWizardView):
    form_list = QUESTIONS
    condition_dict = {"staff": _asks_about_staff}
    template_name = "applications/eligibility_question.html"

    def dispatch(self, request, *args, **kwargs):
        self.round = get_object_or_404(Round, pk=kwargs["round_pk"])
        self.organisation = organisation_for_member_or_404(request.user, kwargs["organisation_pk"])
        if not round_open_for(self.round, self.organisation):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs):
        return f"eligibility_{kwargs['round_pk']}_{kwargs['organisation_pk']}"

    def restart_url(self) -> str:
        return self.request.path

    def get_form(self, step=None, data=None, files=None):
        return embed_in_page_form(super().get_form(step, data, files))

    def get_form_initial(self, step):
        """What the organisation told us last time, so a second check is quick."""
        organisation = self.organisation
        known = {
            "board": {"board_size": organisation.board_size, "disabled_board_members": organisation.disabled_board_members},
            "leader": {"leader_is_disabled": organisation.leader_is_disabled},
            "staff": {"staff_count": organisation.staff_count, "disabled_staff_count": organisation.disabled_staff_count},
            "boroughs": {"boroughs": list(organisation.boroughs.values_list("gss_code", flat=True))},
            "income": {"annual_income": organisation.annual_income},
            "safeguarding": {"has_safeguarding_policy": organisation.has_safeguarding_policy},
            "governing_document": {"has_governing_document": organisation.has_governing_document},
        }[step]
        return {name: value for name, value in known.items() if value is not None}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context.update(round=self.round, organisation=self.organisation)
        return context

    def done(self, form_list, **kwargs):
        answers = {}
        for form in form_list:
            answers.update(form.cleaned_data)
        check = eligibility_check_record(
            round_=self.round, organisation=self.organisation, answers=answers, acting_user=self.request.user
        )
        return redirect("applications:eligibility_result", pk=check.pk)

"""The one way forms render here: GOV.UK Design System markup through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from django import forms

from core.text import without_nul
from crispy_forms_gds.layout import Submit


class GovukFormMixin:
    """Gives a form a GOV.UK renderer with one primary button; pages show it with `{% crispy form %}`."""

    submit_label = "Continue"
    label_size = "s"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and hasattr(self.data, "setlist"):
            self.data = self.data.copy()
            for key, values in self.data.lists():
                self.data.setlist(key, without_nul(values))
        self.helper = FormHelper(self)
        self.helper.label_size = self.label_size
        self.helper.legend_size = self.label_size
        self.helper.add_input(Submit("submit", self.submit_label))

    def full_clean(self):
        super().full_clean()
        # crispy-forms-gds marks only plain text inputs as in error; GOV.UK marks every input.
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if isinstance(widget, (forms.EmailInput, forms.PasswordInput, forms.NumberInput)):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} govuk-input--error".strip()


def embed_in_page_form(form):
    """For forms shown inside a page's own <form> (wizard steps): no <form> tag or buttons of their own."""
    helper = getattr(form, "helper", None)
    if helper is not None:
        helper.form_tag = False
        helper.inputs = []
    return form

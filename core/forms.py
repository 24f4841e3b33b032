"""The one way forms render here: GOV.UK Design System markup through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.forms import BaseFormSet
from django.utils.html import format_html

from core.text import without_nul


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


class Text:
    """A line of text in a form's layout, in an element of its own: `Text("div", round.guidance, "govuk-hint")`.

    crispy's HTML() runs its content through the template engine, so staff-written guidance holding `{{ ... }}`
    or `{% ... %}` would be evaluated. This shows the text exactly as written, escaped, and never as a template.
    """

    def __init__(self, tag: str, text: str, css_class: str, element_id: str = ""):
        self.tag, self.text, self.css_class, self.element_id = tag, text, css_class, element_id

    def render(self, form, context, template_pack=None, **kwargs):
        if self.element_id:
            return format_html('<{0} id="{3}" class="{1}">{2}</{0}>', self.tag, self.css_class, self.text,
                               self.element_id)
        return format_html('<{0} class="{1}">{2}</{0}>', self.tag, self.css_class, self.text)


class EmailChoicesForm(GovukFormMixin, forms.Form):
    """Which of the emails for their role a person wants. The kinds that keep an account safe are not offered."""

    submit_label = "Save your choices"

    emailed = forms.MultipleChoiceField(
        label="Which emails do you want us to send you?",
        help_text="Select all that apply. Whatever you choose, each one is still listed on your notifications page.",
        widget=forms.CheckboxSelectMultiple, required=False,
        error_messages={"invalid_choice": "Select only emails from the list"},
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["emailed"].choices = [(kind.code, kind.description) for kind in kinds]


def typed_values(form, data) -> dict:
    """What a person typed into a form, read back as initial values, without validating it."""
    return {name: field.widget.value_from_datadict(data, {}, form.add_prefix(name)) for name, field in form.fields.items()}


def field_limits(form) -> dict[str, int | None]:
    """Each name a form (or formset) reads from what is posted, with the longest value its field accepts."""
    if isinstance(form, BaseFormSet):
        limits = {form.management_form.add_prefix(name): 10 for name in form.management_form.fields}
        for row in form.forms:
            limits.update(field_limits(row))
        return limits
    return {form.add_prefix(name): getattr(field, "max_length", None) for name, field in form.fields.items()
            if not isinstance(field, forms.FileField)}


class ListFilterForm(forms.Form):
    """Choices that narrow a list page, read from its address so that they hold on every page of it. Each field is
    a choice whose empty value means "all"; the filters component draws them."""

    def chosen(self) -> dict:
        """The filters asked for, by field name; an unknown value in the address narrows nothing."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}

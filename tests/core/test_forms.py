import re

import pytest
from django.template import Context
from django.urls import reverse

from core.forms import Text


def test_text_in_a_layout_is_escaped_and_never_run_as_a_template():
    text = Text("div", "{{ secret }} {% now 'Y' %} <script>x</script>", "govuk-hint")
    html = text.render(form=None, context=Context({"secret": "leaked"}))
    assert html == '<div class="govuk-hint">{{ secret }} {% now &#x27;Y&#x27; %} &lt;script&gt;x&lt;/script&gt;</div>'


@pytest.mark.django_db
def test_every_error_summary_link_moves_focus_to_an_element_on_the_page(client_for, applicant):
    """GOV.UK's error summary focuses the element its link names; radios and checkboxes link to their first option."""
    page = client_for(applicant).post(reverse("applications:organisation_new"), {"name": ""}).content.decode()
    summary = page[page.index("govuk-error-summary__list"):page.index("</ul>", page.index("govuk-error-summary__list"))]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert "id_legal_form_1" in targets
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert targets and [target for target in targets if target not in ids] == []

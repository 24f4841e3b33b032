from django.template import Context

from core.forms import Text


def test_text_in_a_layout_is_escaped_and_never_run_as_a_template():
    text = Text("div", "{{ secret }} {% now 'Y' %} <script>x</script>", "govuk-hint")
    html = text.render(form=None, context=Context({"secret": "leaked"}))
    assert html == '<div class="govuk-hint">{{ secret }} {% now &#x27;Y&#x27; %} &lt;script&gt;x&lt;/script&gt;</div>'

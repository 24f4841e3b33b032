from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from core.links import fixed_url


def test_an_address_without_arguments_is_the_one_reverse_finds():
    assert fixed_url("core:privacy") == reverse("core:privacy") == "/privacy/"


def test_a_server_mounted_under_a_prefix_gets_addresses_under_it():
    assert fixed_url("core:privacy") == "/privacy/"
    set_script_prefix("/grants/")
    try:
        assert fixed_url("core:privacy") == "/grants/privacy/"
    finally:
        clear_script_prefix()
    assert fixed_url("core:privacy") == "/privacy/"


def test_another_url_configuration_gets_its_own_addresses(settings):
    assert fixed_url("core:privacy") == "/privacy/"
    settings.ROOT_URLCONF = "tests.core.mounted_urls"
    assert fixed_url("core:privacy") == reverse("core:privacy") == "/service/privacy/"


def test_the_url_tag_keeps_fixed_addresses_and_finds_the_rest_each_time():
    template = Template("{% url 'core:privacy' %} {% url 'applications:detail' pk %} {% url name %} {% url 'core:cookies' as cookies %}[{{ cookies }}]")
    nodes = [type(node).__name__ for node in template.nodelist if type(node).__name__ != "TextNode"]
    assert nodes == ["FixedURLNode", "URLNode", "URLNode", "URLNode", "VariableNode"]
    rendered = template.render(Context({"pk": 7, "name": "core:accessibility"}))
    assert rendered == "/privacy/ /applications/7/ /accessibility/ [/cookies/]"

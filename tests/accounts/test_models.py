import pytest

from accounts.models import User, normalise_email

pytestmark = pytest.mark.django_db


def test_an_address_is_stored_in_the_one_spelling_that_sign_in_matches():
    user = User.objects.create_user("  \uff21mara@Example.ORG ", "a-long-unusual-passphrase")  # a fullwidth A
    assert user.email == "amara@example.org"
    assert User.objects.get_by_natural_key("AMARA@example.org ") == user


def test_forms_built_on_the_model_such_as_the_admins_store_the_same_spelling():
    user = User(email=" Dana@Example.org", full_name="Dana Lewis")
    user.clean()
    assert user.email == "dana@example.org"


def test_a_dotless_i_is_a_different_address_from_an_i():
    User.objects.create_user("applicant@example.org")
    assert normalise_email("appl\u0131cant@example.org") != normalise_email("applicant@example.org")
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("appl\u0131cant@example.org")

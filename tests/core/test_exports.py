import io
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_role_change
from core.exports import EXPORT_KINDS, ExportFile, ExportKind, export_kinds_register
from core.models import Export
from core.refusals import ServiceError
from core.services import ExportRefused, export_make, export_start
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Builder:
    """A registered export that counts how often it was made, and can be told to fail."""

    def __init__(self):
        self.made = 0
        self.failure: Exception | None = None
        self.meanwhile = None

    def __call__(self, *, colour: str) -> ExportFile:
        if self.failure:
            raise self.failure
        self.made += 1
        if self.meanwhile:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()
        return ExportFile(f"colour\n{colour}\n", "text/csv", f"{colour}.csv")


@pytest.fixture
def builder(monkeypatch):
    built = Builder()
    kind = ExportKind(name="tests.colours", permission="core.view_audit_trail",
                      title=lambda *, colour: f"Colours: {colour}", build=built)
    monkeypatch.setitem(EXPORT_KINDS, kind.name, kind)
    return built


def start(programme_manager, django_capture_on_commit_callbacks, colour: str = "green") -> Export:
    with django_capture_on_commit_callbacks(execute=True):
        return export_start(name="tests.colours", parameters={"colour": colour}, acting_user=programme_manager)


def test_the_worker_makes_the_file_and_the_person_who_asked_downloads_it(
    client_for, programme_manager, builder, django_capture_on_commit_callbacks, run_worker
):
    export = start(programme_manager, django_capture_on_commit_callbacks)
    client = client_for(programme_manager)
    page = client.get(reverse("core:export", kwargs={"pk": export.pk}))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Preparing your file" in content and "Colours: green" in content
    assert f'href="{reverse("core:export", kwargs={"pk": export.pk})}">Refresh this page' in content
    assert "<script>" not in content
    early = client.get(reverse("core:export_download", kwargs={"pk": export.pk}))
    assert early.status_code == 302 and early.url == export.get_absolute_url()

    run_worker()
    page = client.get(reverse("core:export", kwargs={"pk": export.pk})).content.decode()
    download_url = reverse("core:export_download", kwargs={"pk": export.pk})
    assert "Your file is ready" in page and f'href="{download_url}"' in page and "Preparing" not in page
    response = client.get(download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"colour\ngreen\n"
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="green.csv"'


def test_a_second_run_finds_the_file_made_and_makes_nothing(programme_manager, builder, django_capture_on_commit_callbacks):
    export = start(programme_manager, django_capture_on_commit_callbacks)
    first = export_make(export_pk=export.pk)
    second = export_make(export_pk=export.pk)
    assert builder.made == 1
    assert second.outcome == Export.Outcome.READY and second.file.name == first.file.name


def test_two_runs_at_once_keep_one_file(programme_manager, builder, django_capture_on_commit_callbacks):
    export = start(programme_manager, django_capture_on_commit_callbacks)
    # A worker thought lost is still making the file when the task is queued again and another worker makes it.
    builder.meanwhile = lambda: export_make(export_pk=export.pk)
    settled = export_make(export_pk=export.pk)
    assert builder.made == 2
    assert settled.outcome == Export.Outcome.READY
    assert settled.file.storage.listdir("exports")[1] == [settled.file.name.removeprefix("exports/")]


def test_only_the_person_who_asked_opens_the_file(
    client_for, programme_manager, finance_officer, builder, django_capture_on_commit_callbacks, run_worker
):
    export = start(programme_manager, django_capture_on_commit_callbacks)
    run_worker()
    for someone in (UserFactory(role=Role.PROGRAMME_MANAGER), finance_officer):
        client = client_for(someone)
        assert client.get(reverse("core:export", kwargs={"pk": export.pk})).status_code == 403
        assert client.get(reverse("core:export_download", kwargs={"pk": export.pk})).status_code == 403


def test_the_file_is_closed_to_the_person_who_asked_once_they_no_longer_hold_the_permission(
    client_for, programme_manager, builder, django_capture_on_commit_callbacks, run_worker
):
    export = start(programme_manager, django_capture_on_commit_callbacks)
    run_worker()
    user_role_change(user=programme_manager, role=Role.FINANCE_OFFICER, acting_user=None, reason="Moved to finance")
    client = client_for(programme_manager)
    assert client.get(reverse("core:export_download", kwargs={"pk": export.pk})).status_code == 403


def test_asking_without_the_permission_is_refused(finance_officer, builder):
    with pytest.raises(ExportRefused, match="You cannot download this file"):
        export_start(name="tests.colours", parameters={"colour": "red"}, acting_user=finance_officer)
    assert not Export.objects.exists()


def test_a_builder_that_fails_is_shown_plainly_and_gives_no_file(
    client_for, programme_manager, builder, django_capture_on_commit_callbacks, run_worker
):
    builder.failure = RuntimeError("disk full at /var/tmp")
    export = start(programme_manager, django_capture_on_commit_callbacks)
    run_worker()
    export.refresh_from_db()
    assert export.outcome == Export.Outcome.FAILED and not export.file
    client = client_for(programme_manager)
    page = client.get(reverse("core:export", kwargs={"pk": export.pk})).content.decode()
    assert "Your file could not be made" in page
    assert "The file could not be made. Ask for it again" in page and "disk full" not in page
    response = client.get(reverse("core:export_download", kwargs={"pk": export.pk}))
    assert response.status_code == 302


def test_a_builder_refusal_is_shown_in_its_own_words(programme_manager, builder, django_capture_on_commit_callbacks):
    builder.failure = ServiceError("This round has no accepted grants yet.")
    export = export_make(export_pk=start(programme_manager, django_capture_on_commit_callbacks).pk)
    assert export.outcome == Export.Outcome.FAILED and export.message == "This round has no accepted grants yet."


def in_pieces(pieces, failure: Exception | None = None):
    yield from pieces
    if failure:
        raise failure


def test_a_file_given_in_pieces_is_written_whole(programme_manager, monkeypatch, django_capture_on_commit_callbacks):
    kind = ExportKind(name="tests.colours", permission="core.view_audit_trail", title=lambda *, colour: colour,
                      build=lambda *, colour: ExportFile(in_pieces(["colour\n", b"gr", "éen\n"]), "text/csv", "g.csv"))
    monkeypatch.setitem(EXPORT_KINDS, kind.name, kind)
    export = export_make(export_pk=start(programme_manager, django_capture_on_commit_callbacks).pk)
    assert export.outcome == Export.Outcome.READY
    with export.file.open("rb") as made:
        assert made.read() == "colour\ngréen\n".encode()


def test_a_file_whose_pieces_fail_part_way_gives_no_file(programme_manager, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    pieces = in_pieces(["colour\n"], ServiceError("This round has no accepted grants yet."))
    kind = ExportKind(name="tests.colours", permission="core.view_audit_trail", title=lambda *, colour: colour,
                      build=lambda *, colour: ExportFile(pieces, "text/csv", "g.csv"))
    monkeypatch.setitem(EXPORT_KINDS, kind.name, kind)
    export = export_make(export_pk=start(programme_manager, django_capture_on_commit_callbacks).pk)
    assert export.outcome == Export.Outcome.FAILED and not export.file
    assert export.message == "This round has no accepted grants yet."


def test_an_export_name_cannot_be_registered_twice_differently(builder):
    other = ExportKind(name="tests.colours", permission="core.view_audit_trail", title=str, build=str)
    with pytest.raises(ImproperlyConfigured, match="tests.colours"):
        export_kinds_register(other)


def test_exports_older_than_a_week_are_removed_with_their_files(
    programme_manager, builder, django_capture_on_commit_callbacks
):
    old = export_make(export_pk=start(programme_manager, django_capture_on_commit_callbacks, "red").pk)
    new = export_make(export_pk=start(programme_manager, django_capture_on_commit_callbacks, "blue").pk)
    Export.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=8))
    storage, old_file = old.file.storage, old.file.name
    out = io.StringIO()
    call_command("remove_old_exports", stdout=out)
    assert out.getvalue().strip() == "1 export removed."
    assert list(Export.objects.all()) == [new]
    assert not storage.exists(old_file) and storage.exists(new.file.name)


def test_a_file_gone_from_storage_is_not_found(client_for, programme_manager, builder, django_capture_on_commit_callbacks):
    export = export_make(export_pk=start(programme_manager, django_capture_on_commit_callbacks).pk)
    export.file.storage.delete(export.file.name)
    response = client_for(programme_manager).get(reverse("core:export_download", kwargs={"pk": export.pk}))
    assert response.status_code == 404


def test_a_files_page_links_back_to_the_page_it_was_asked_for_from(
    client_for, programme_manager, monkeypatch, django_capture_on_commit_callbacks
):
    kind = ExportKind(name="tests.colours", permission="core.view_audit_trail", title=lambda *, colour: colour,
                      build=Builder(), back=lambda *, colour: (f"Back to {colour}", f"/{colour}/"))
    monkeypatch.setitem(EXPORT_KINDS, kind.name, kind)
    export = start(programme_manager, django_capture_on_commit_callbacks, colour="green")
    page = client_for(programme_manager).get(reverse("core:export", kwargs={"pk": export.pk})).content.decode()
    assert '<a href="/green/" class="govuk-back-link">Back to green</a>' in page


def test_each_registered_file_links_back_to_its_page():
    assert EXPORT_KINDS["grants.ledger"].back(round_pk=3) == ("Back to the ledger", reverse("grants:ledger", kwargs={"pk": 3}))
    assert EXPORT_KINDS["assessment.ranking"].back(round_pk=3, file_format="xlsx", filters={})[0] == "Back to the ranking"
    assert EXPORT_KINDS["grants.360giving"].back(round_pk=3, file_format="csv")[0] == "Back to the round"

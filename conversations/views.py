"""Pages for threads (the organisation's team and programme managers), the inbox, files sent with messages, and
messages to many organisations at once (programme managers)."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Max
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import is_programme_manager, role_required
from applications.models import Round
from conversations import selectors
from conversations.forms import BulkMessageForm, MessageForm
from conversations.models import BulkMessage, MessageFile
from conversations.permissions import can_add_note, can_read_thread
from conversations.services import (
    MessageError,
    PersonalDataFound,
    bulk_message_retry_failed,
    bulk_message_start,
    message_send,
    thread_mark_read,
)
from core.downloads import stored_file_response
from core.paging import page_of

# Tasks start within seconds while a worker runs: a bulk message untouched for longer suggests none is running.
WORKER_EXPECTED_WITHIN = timedelta(minutes=2)
THREADS = (Role.APPLICANT, Role.PROGRAMME_MANAGER)


@role_required(*THREADS)
def inbox(request):
    page = page_of(request, selectors.inbox_for(request.user), size=25)
    return render(request, "conversations/inbox.html", {
        "page": page, "threads": page.object_list, "staff": is_programme_manager(request.user),
    })


def _warned(request) -> bool:
    return "personal_data_checked" in request.POST or request.POST.get("warned") == "1"


@role_required(*THREADS)
def thread(request, pk: int):
    application = selectors.thread_for_reader_or_404(request.user, pk)
    if not can_read_thread(request.user, application):
        raise Http404
    staff = is_programme_manager(request.user)

    thread_messages = list(selectors.thread_messages(request.user, application))
    newest = max((message.pk for message in thread_messages), default=0)

    def message_form(warned: bool) -> MessageForm:
        return MessageForm(request.POST or None, request.FILES or None, staff=staff, warned=warned,
                           initial={"seen": newest})

    form = message_form(_warned(request))
    findings = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = message_send(
                application=application, body=data["body"], acting_user=request.user, note=data.get("note", False),
                attachment=data.get("attachment"), recording=data.get("recording"),
                personal_data_checked=data["personal_data_checked"], seen_up_to=data["seen"],
            )
        except PersonalDataFound as found:
            findings = found.findings
            form = message_form(warned=True)  # shows the box to confirm there is no personal data
            form.is_valid()
        except MessageError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your note for staff is added." if message.is_note else "Your message is sent.")
            return redirect(f"{request.path}#message-{message.pk}")
    if request.method == "GET" and thread_messages:
        thread_mark_read(application=application, person=request.user, up_to=newest)
        selectors.unread_count_forget(request.user)
    award = getattr(application, "award", None)
    return render(request, "conversations/thread.html", {
        "application": application, "award": award, "thread_messages": thread_messages, "form": form,
        "findings": findings, "staff": staff, "can_add_note": can_add_note(request.user, application),
    })


@role_required(*THREADS)
def message_file(request, pk: int, file_pk: int):
    """A file sent with a message: saved, or with ?play shown inline for the page's player, in ranges. The same
    checks as the thread's page, and a note's files are the staff's only."""
    application = selectors.thread_for_reader_or_404(request.user, pk)
    if not can_read_thread(request.user, application):
        raise Http404
    stored = get_object_or_404(
        MessageFile.objects.filter(message__in=selectors.visible_messages(request.user).filter(
            application=application)),
        pk=file_pk,
    )
    return stored_file_response(request, stored.file, content_type=stored.content_type,
                                filename=stored.original_name, as_attachment="play" not in request.GET)


@role_required(Role.PROGRAMME_MANAGER)
def bulk_message_new(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    newest = BulkMessage.objects.filter(round=round_).aggregate(newest=Max("pk"))["newest"] or 0
    form = BulkMessageForm(request.POST or None, warned=_warned(request), initial={"seen": newest})
    findings, audience_count = [], None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "send" in request.POST and data["previewed"] == data["audience"]:
            try:
                bulk_message = bulk_message_start(round_=round_, audience=data["audience"], body=data["body"],
                                                  acting_user=request.user,
                                                  personal_data_checked=data["personal_data_checked"],
                                                  seen_up_to=data["seen"])
            except PersonalDataFound as found:
                findings = found.findings
                form = BulkMessageForm(request.POST, warned=True, initial={"seen": newest})
                form.is_valid()
            except MessageError as error:
                form.add_error(None, str(error))
            else:
                return redirect("conversations:bulk_message", pk=bulk_message.pk)
        if not form.errors or findings:
            audience_count = selectors.bulk_audience(round_, data["audience"]).count()
            form.previewing(data["audience"], audience_count)
    return render(request, "conversations/bulk_message_new.html", {
        "round": round_, "form": form, "findings": findings, "audience_count": audience_count,
        "recent": selectors.bulk_messages_with_progress().filter(round=round_)[:5],
    })


def _organisations(count: int) -> str:
    return f"{count} {'organisation' if count == 1 else 'organisations'}"


def bulk_progress(bulk_message) -> str:
    """Where a bulk message stands, in words that fit it: still going, finished with failures, or finished."""
    done, failed, total = bulk_message.done, bulk_message.failed, bulk_message.total
    if bulk_message.waiting:
        so_far = f" {failed} could not be sent so far." if failed else ""
        return f"Sent to {done} of {_organisations(total)} so far.{so_far}"
    if failed:
        return f"Finished: sent to {done} of {_organisations(total)}. {failed} could not be sent: see why below."
    return f"Finished: sent to {done} of {_organisations(total)}."


@role_required(Role.PROGRAMME_MANAGER)
def bulk_message(request, pk: int):
    bulk = get_object_or_404(selectors.bulk_messages_with_progress(), pk=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"done": bulk.done, "failed": bulk.failed, "total": bulk.total,
                             "finished": not bulk.waiting, "message": bulk_progress(bulk)})
    unstarted = bulk.waiting == bulk.total > 0 and timezone.now() - bulk.started_at > WORKER_EXPECTED_WITHIN
    page = page_of(request, selectors.bulk_message_failures(bulk))
    return render(request, "conversations/bulk_message.html", {
        "bulk_message": bulk, "unstarted": unstarted, "progress": bulk_progress(bulk), "page": page,
        "failures": page.object_list,
    })


@role_required(Role.PROGRAMME_MANAGER)
@require_POST
def bulk_message_retry(request, pk: int):
    bulk = get_object_or_404(BulkMessage, pk=pk)
    try:
        count = bulk_message_retry_failed(bulk_message=bulk, acting_user=request.user)
    except MessageError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"The message is queued to be sent again to {_organisations(count)}.")
    return redirect("conversations:bulk_message", pk=bulk.pk)

"""Pages for people applying: the start page that explains the round."""

from django.shortcuts import render

from applications.selectors import round_current


def start(request):
    return render(request, "applications/start.html", {"round": round_current()})

"""What the service's django-formtools wizards share."""

from django.contrib import messages
from django.shortcuts import redirect


class KnownStepsOnly:
    """formtools answers whichever step the posted form names. A name that is not one of the wizard's steps (an
    edited page, or a question no longer asked since the page was shown) would be a server error: instead the
    person is sent to `restart_url()` and told why."""

    def restart_url(self) -> str:
        raise NotImplementedError

    def post(self, *args, **kwargs):
        if self.request.POST.get(f"{self.prefix}-current_step") not in self.get_form_list():
            messages.error(self.request, "That page was out of date, so nothing was saved. Try again from here.")
            return redirect(self.restart_url())
        return super().post(*args, **kwargs)

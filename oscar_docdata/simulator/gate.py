"""Who may reach the simulator: the gate on every URL, and staff for the overview.

The simulator marks orders paid on request, so it must never answer in production by
accident: every URL is a 404 unless DEBUG or DOCDATA_SIMULATOR_ENABLED is on (read per
request, so ``override_settings`` works). Enabled, the SOAP endpoint, the payment menu
and the bank pages are open to anyone (the shop's server and the shopper's browser
must reach them, as with Docdata); the overview and its event buttons, which settle,
refund or charge back any order, need a staff user.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .conf import sim_settings, simulator_enabled

View = Callable[..., HttpResponse]


def enabled_only(view: View) -> View:
    """A 404 unless the simulator is enabled (DEBUG or DOCDATA_SIMULATOR_ENABLED)."""

    @wraps(view)
    def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not simulator_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return gated


def is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # no AuthenticationMiddleware: nobody
    return bool(user is not None and user.is_active and user.is_staff)


def staff_only(view: View) -> View:
    """Staff only (as ``staff_member_required``); DOCDATA_SIMULATOR_STAFF_ONLY=False opens it.

    An anonymous GET goes to the login page (``LOGIN_URL``); anything else that is not
    staff's, a POST included, is refused with a 403 and changes nothing.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not sim_settings.DOCDATA_SIMULATOR_STAFF_ONLY or is_staff(request):
            return view(request, *args, **kwargs)
        user = getattr(request, "user", None)
        if request.method in ("GET", "HEAD") and user is not None \
                and not user.is_authenticated:
            # Imported here: a simulator process without django.contrib.auth (no users,
            # the overview open) must not import auth's models.
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied

    return guarded

"""Endpoints measured side by side: bare Django, a row-locking status flip and the real
submission of a signed filing (full gate, serial, audit event, signed receipt).

They exist only under bench.settings; the submitter is the office's bench attorney, so
what is measured is the rules, not the sign-in. The view hands the service bare ids:
`submit_filing` reads (and locks) the filing and the account itself, in its transaction.
"""

import functools

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import User
from applications.models import Application
from applications.services import submit_filing
from tmverify.reasons import Refused

from .models import flip as flip_toggle

BENCH_ATTORNEY = "bench-attorney@bench.example"
TOGGLES = 1000


@functools.cache
def _bench_attorney_id() -> int:
    return User.objects.values_list("pk", flat=True).get(email=BENCH_ATTORNEY)


def ok(request):
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def flip(request, pk):
    flip_toggle(pk % TOGGLES + 1)
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def submit(request, pk):
    try:
        filing = submit_filing(User(pk=_bench_attorney_id()), Application(pk=pk))
    except Refused as exc:
        return JsonResponse({"refused": exc.codes}, status=409)
    return JsonResponse({"serial_number": filing.serial_number})

from django.http import HttpResponse


def sign_by_link(request, token):
    return HttpResponse("The signing page is not built yet.", status=501)

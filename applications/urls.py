from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.new_application, name="new"),
    path("fee-quote/", views.fee_quote, name="fee_quote"),
    path("id-manual/", views.id_manual_search, name="id_manual"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit_application, name="edit"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/sign/upload/", views.sign_upload, name="sign_upload"),
    path("<int:pk>/request-signature/", views.request_signature, name="request_signature"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/appoint/", views.appoint, name="appoint"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/attorneys/<int:attorney_pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/receipt/download/", views.receipt_download, name="receipt_download"),
    # R21, R22: the filer's forms after submission, their receipts, and the deadlines' calendar
    path("<int:pk>/forms/<slug:kind>/", views.later_form, name="later_form"),
    path("<int:pk>/forms/receipts/<int:form_pk>/", views.later_form_receipt, name="later_form_receipt"),
    path("deadlines.ics", views.deadlines_ics, name="deadlines_ics"),
    path("sign/", views.sign_by_link, name="sign_by_link"),
    # links mailed before the code left the path: the page, with the code filled in
    path("sign/<str:token>/", views.sign_by_link, name="sign_by_link_mailed_before"),
]

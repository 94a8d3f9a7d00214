"""No government ID number or signing-link token is stored or logged in plain text:
every table is read raw after real flows, and every log record is captured."""

import logging

import pytest
from django.db import connection
from django.test import Client

from accounts import services as accounts
from applications import services as filings
from simulator.identity import confirm_email_as_its_owner, verify_with_simulated_provider
from tests.factories import person

pytestmark = pytest.mark.django_db

SECRET_DOCUMENTS = ["PASSPORT-E12345678", "CN-110101199003071234"]


def all_table_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_documents_and_link_tokens_never_appear_in_tables_or_logs(world, caplog):
    caplog.set_level(logging.DEBUG)
    li = world["li"]  # Chinese seller verifying with her passport
    verify_with_simulated_provider(
        li, method="video", role="owner", document_country="CN", document_number=SECRET_DOCUMENTS[0], passed=True
    )
    paula = confirm_email_as_its_owner(
        accounts.register_user(email="paula2@example.test", first_name="Paula", last_name="Paper", role="owner")
    )
    accounts.file_paper_verification(paula, role="owner", document_country="CN", document_number=SECRET_DOCUMENTS[1])
    tokens = [world["link"].token, filings.request_signature(world["dana"], world["draft"], li).token]

    stored = all_table_text()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in [*SECRET_DOCUMENTS, *tokens]:
        assert secret not in stored, f"{secret!r} is stored in plain text"
        assert secret not in logged, f"{secret!r} was logged"
    # the scan is real: a value we do store in clear is found
    assert "SUNWAVE" in stored


def test_the_provider_round_trip_leaves_no_document_number_in_any_table_or_log(caplog):
    # through the built-in provider's pages: its code waits for redemption, then is redeemed
    caplog.set_level(logging.DEBUG)
    oleg = person("oleg")
    client = Client()
    client.force_login(oleg)
    page = client.get(client.post("/accounts/identity/start/", {"role": "owner", "method": "online"})["Location"])
    form = {field.name: field.value() or "" for field in page.context["form"]}
    form.update(document_country="CN", document_number=SECRET_DOCUMENTS[0], outcome="pass")
    back = client.post("/provider/authorize/", {**form, "authorization": page.context["authorization"]})
    assert SECRET_DOCUMENTS[0] not in all_table_text()  # the code issued, not yet redeemed

    client.get(back["Location"])

    oleg.refresh_from_db()
    assert oleg.identity_state == "verified"
    assert SECRET_DOCUMENTS[0] not in all_table_text()
    assert SECRET_DOCUMENTS[0] not in "\n".join(record.getMessage() for record in caplog.records)

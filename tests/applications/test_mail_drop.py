"""R18: a domicile street that reads as a post-office box or another mail drop is flagged
(TMEP 601.01(c)(i)), in the spellings and languages the people this tool serves write."""

import pytest

from applications.rules import is_mail_drop


@pytest.mark.parametrize(
    "street",
    [
        "PO Box 4021",
        "P.O. Box 5",
        "POB 12",
        "P.O.B. 12",
        "GPO Box 12",
        "Post Office Box 77",
        "Box 1234",
        "Private Bag 9",
        "c/o Acme Ltd, 1 Main St",
        "Care of J. Smith",
        "Registered Agent Inc., 2 Main St",
        "123 Main St PMB 45",
        "Virtual Office Suite 9, 1 Market St",
        "PSC 3 Box 4321 APO AE",
        "HC 68 Box 12",
        "Postfach 1234",
        "Postbus 3",
        "Postboks 44",
        "Apartado Postal 45",
        "Apdo. 45",
        "Casilla 12",
        "Caixa Postal 9",
        "Boîte postale 7",
        "Boite Postale 7",
        "BP 7",
        "Casella Postale 3",
        "а/я 15",
        "北京市100号信箱",
        "東京中央郵便局私書箱12号",
        "深圳市私书箱8号",
        "사서함 10호",
    ],
)
def test_post_office_boxes_and_mail_drops_are_recognised(street):
    assert is_mail_drop(street)


@pytest.mark.parametrize(
    "street",
    [
        "12 Boxwood Lane",
        "Calle Casillas 4",
        "Calle del Apartadero 3",
        "Boxhagener Straße 18",
        "Pobrežje 5",
        "1 Post Road",
        "12 Postal Lane",
        "Apollo Way 3",
        "8 Keji Rd",
        "",
    ],
)
def test_streets_that_only_look_alike_are_not(street):
    assert not is_mail_drop(street)

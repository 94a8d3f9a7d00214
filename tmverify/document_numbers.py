"""Government ID numbers as the duplicate check compares them (R6).

A number is compared in its normal form: Unicode NFKC (fullwidth `Ｄ１` is `D1`, `Ⓓ` is
`D`), every other decimal digit as its ASCII digit (Arabic-Indic `١` is `1`), letters
that look like Latin capitals folded to them (`LOOKALIKES`), upper case, spaces and
dashes dropped. What is left must be in the documented alphabet, A-Z and 0-9: any other
character is refused rather than dropped, so no spelling of one document passes for
another.
"""

import unicodedata

ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

# Characters Unicode's confusables table (UTS #39, confusables.txt) maps to one Latin
# capital letter, after upper-casing, for the scripts whose capitals look Latin: Greek,
# Cyrillic and Cherokee. Only letter-to-letter: the table's letter-to-digit entries
# (O to 0, I to 1 and back) are not folded, since a document number tells them apart.
# Source: https://www.unicode.org/Public/security/latest/confusables.txt
LOOKALIKES = {
    # Greek capitals
    "\u0391": "A",  # Α ALPHA
    "\u0392": "B",  # Β BETA
    "\u0395": "E",  # Ε EPSILON
    "\u0396": "Z",  # Ζ ZETA
    "\u0397": "H",  # Η ETA
    "\u0399": "I",  # Ι IOTA
    "\u039a": "K",  # Κ KAPPA
    "\u039c": "M",  # Μ MU
    "\u039d": "N",  # Ν NU
    "\u039f": "O",  # Ο OMICRON
    "\u03a1": "P",  # Ρ RHO
    "\u03a4": "T",  # Τ TAU
    "\u03a5": "Y",  # Υ UPSILON
    "\u03a7": "X",  # Χ CHI
    "\u037f": "J",  # Ϳ YOT
    "\u03f9": "C",  # Ϲ LUNATE SIGMA
    # Cyrillic capitals
    "\u0405": "S",  # Ѕ DZE
    "\u0406": "I",  # І BYELORUSSIAN-UKRAINIAN I
    "\u0408": "J",  # Ј JE
    "\u0410": "A",  # А A
    "\u0412": "B",  # В VE
    "\u0415": "E",  # Е IE
    "\u041a": "K",  # К KA
    "\u041c": "M",  # М EM
    "\u041d": "H",  # Н EN
    "\u041e": "O",  # О O
    "\u0420": "P",  # Р ER
    "\u0421": "C",  # С ES
    "\u0422": "T",  # Т TE
    "\u0425": "X",  # Х HA
    "\u04ae": "Y",  # Ү STRAIGHT U
    "\u04c0": "I",  # Ӏ PALOCHKA
    "\u051a": "Q",  # Ԛ QA
    "\u051c": "W",  # Ԝ WE
    # Cherokee capitals (their small letters upper-case to these)
    "\u13a0": "D",  # Ꭰ A
    "\u13a1": "R",  # Ꭱ E
    "\u13a2": "T",  # Ꭲ I
    "\u13aa": "A",  # Ꭺ GO
    "\u13ab": "J",  # Ꭻ GU
    "\u13ac": "E",  # Ꭼ GV
    "\u13b3": "W",  # Ꮃ LA
    "\u13b7": "M",  # Ꮇ LU
    "\u13bb": "H",  # Ꮋ MI
    "\u13c0": "G",  # Ꮐ NAH
    "\u13c3": "Z",  # Ꮓ NO
    "\u13d4": "W",  # Ꮤ TA
    "\u13d9": "V",  # Ꮩ DO
    "\u13da": "S",  # Ꮪ DU
    "\u13de": "L",  # Ꮮ TLE
    "\u13df": "C",  # Ꮯ TLI
    "\u13e2": "P",  # Ꮲ TLV
    "\u13e6": "K",  # Ꮶ TSO
    "\u13f4": "B",  # Ᏼ YV
}


class DocumentNumberError(ValueError):
    """The number holds characters outside A-Z and 0-9 once normalised."""

    def __init__(self, rejected: str):
        self.rejected = rejected
        if rejected:
            shown = ", ".join(f"“{ch}” (U+{ord(ch):04X})" for ch in rejected)
            message = (
                "A document number may hold only the letters A-Z and the digits 0-9 (spaces and dashes are "
                f"ignored); this one has other characters: {shown}."
            )
        else:
            message = "A document number needs at least one letter or digit."
        super().__init__(message)


def _is_separator(ch: str) -> bool:
    # spaces of any kind and dashes (Unicode's dash punctuation, and the minus sign)
    return ch.isspace() or unicodedata.category(ch) == "Pd" or ch == "\u2212"


def _fold(ch: str) -> str:
    if ch in ALPHABET:
        return ch
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    return LOOKALIKES.get(ch, ch)


def fold(number: str) -> tuple[str, str]:
    """(the normal form, the characters refused): refused characters are left out."""
    kept, refused = [], []
    for ch in unicodedata.normalize("NFKC", number).upper():
        if _is_separator(ch):
            continue
        ch = _fold(ch)
        (kept if ch in ALPHABET else refused).append(ch)
    return "".join(kept), "".join(dict.fromkeys(refused))


def normal_number(number: str) -> str:
    """The number's normal form; raises DocumentNumberError when anything is left outside
    A-Z and 0-9, or when nothing is left."""
    normal, refused = fold(number)
    if refused:
        raise DocumentNumberError(refused)
    if not normal:
        raise DocumentNumberError("")
    return normal


def masked(number: str, visible: int = 4) -> str:
    """The number with all but its last `visible` characters hidden: `•••0001`."""
    number = number.strip()
    return "•••" + number[-visible:] if len(number) > visible else "•" * len(number)

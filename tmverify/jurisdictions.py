"""Where the United States is, for R16: a domicile in it, and a bar admitted in it.

"United States" includes its territories (37 CFR 2.11(a); TMEP 601.01): a party domiciled
in Puerto Rico or Guam is domestic. A US attorney's bar is that of a State, which 37 CFR
11.1 defines as any of the 50 states, the District of Columbia, or any Commonwealth or
territory of the United States; a provincial bar such as Ontario's is not US bar
information (37 CFR 2.17(b)(3)).
"""

# ISO 3166-1 codes of the territories; each is also its USPS code
US_TERRITORIES = {
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
    "UM": "United States Minor Outlying Islands",
}

DOMESTIC_COUNTRIES = frozenset({"US", *US_TERRITORIES})

# USPS codes of the states and the District of Columbia
US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}

US_BAR_JURISDICTIONS = {**US_STATES, **US_TERRITORIES}


def _key(text: str) -> str:
    # "N.Y.", " new  york " and "Washington, D.C." read as "ny", "new york", "washington dc"
    return " ".join(text.replace(".", "").replace(",", " ").split()).casefold()


_US_BAR_KEYS = frozenset(
    {_key(code) for code in US_BAR_JURISDICTIONS}
    | {_key(name) for name in US_BAR_JURISDICTIONS.values()}
    | {_key(name) for name in ("Washington, D.C.", "Virgin Islands", "Commonwealth of Puerto Rico")}
)


def is_domestic(country: str) -> bool:
    """R16: domiciled in the United States or one of its territories (ISO 3166-1 code)."""
    return str(country or "").upper() in DOMESTIC_COUNTRIES


def is_us_bar(jurisdiction: str) -> bool:
    """R16: a bar of a State in 37 CFR 11.1's sense (a state, DC or a US territory), named
    by its USPS code or its English name, whatever the case or dots."""
    return _key(jurisdiction or "") in _US_BAR_KEYS

"""Reference data the extractor recognizes names by.

States come from packages: ISO 3166 names and codes from pycountry, short
names, demonyms, capitals and provinces from countryinfo. Only what neither
gives is written here: a few adjectives and short forms the press uses
("Philippine", "Britain", "Lao PDR"), and the international organizations,
treaties, regimes, arms makers and news agencies that no package lists.
Nothing is loaded until it is first needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

# The press's own forms that the packages lack, by ISO 3166 alpha-2 code.
EXTRA_STATE_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("U.S.", "US", "USA", "America", "United States of America"),
    "GB": ("Britain", "Great Britain", "U.K.", "UK"),
    "PH": ("Philippine",), "LA": ("Lao PDR", "Lao"), "CZ": ("Czechia", "Czech Republic"),
    "TR": ("Türkiye", "Turkiye"), "VN": ("Viet Nam",), "MM": ("Burma",), "CI": ("Côte d'Ivoire",),
    "KP": ("DPRK",), "KR": ("ROK",), "CN": ("PRC", "Mainland China"), "AE": ("UAE", "Emirati"),
    "SA": ("Saudi", "KSA"), "TL": ("East Timor",), "SZ": ("Swaziland",), "MK": ("Macedonia",),
    "CV": ("Cape Verde",), "RU": ("Russian Federation",), "IR": ("Persia",),
    "NL": ("Holland", "Dutch"), "BA": ("Bosnia",), "CD": ("DRC", "DR Congo"),
}
# Former states still met in texts about history (pycountry's are formal and comma-split).
FORMER_STATES: dict[str, tuple[str, ...]] = {
    "Soviet Union": ("USSR", "Union of Soviet Socialist Republics", "Soviet"),
    "Yugoslavia": ("Socialist Federal Republic of Yugoslavia", "Yugoslav"),
    "Czechoslovakia": ("Czechoslovak",),
    "East Germany": ("German Democratic Republic", "GDR"),
}
# Names and demonyms shared by several states, so never read as one of them.
AMBIGUOUS = {"Guinean", "Congolese", "Korean", "Korea", "Congo", "Dominican", "Samoan", "Virgin Islander"}
CAPITAL_OVERRIDES = {"Washington D.C.": "Washington", "Washington, D.C.": "Washington"}

# (canonical name, kg type, acronym or None, aliases)
ORGANIZATIONS: tuple[tuple[str, str, str | None, tuple[str, ...]], ...] = (
    ("United Nations", "InternationalOrganization", "UN", ("U.N.", "United Nations Organization")),
    ("United Nations Security Council", "InternationalOrganization", "UNSC", ("UN Security Council", "Security Council")),
    ("North Atlantic Treaty Organization", "InternationalOrganization", "NATO", ("North Atlantic Alliance", "Atlantic Alliance")),
    ("European Union", "InternationalOrganization", "EU", ("E.U.",)),
    ("Association of Southeast Asian Nations", "InternationalOrganization", "ASEAN", ()),
    ("African Union", "InternationalOrganization", "AU", ()),
    ("Shanghai Cooperation Organisation", "InternationalOrganization", "SCO", ("Shanghai Cooperation Organization",)),
    ("Collective Security Treaty Organization", "InternationalOrganization", "CSTO", ("Collective Security Treaty Organisation",)),
    ("BRICS", "InternationalOrganization", None, ("BRICS group",)),
    ("Group of Seven", "InternationalOrganization", "G7", ("G-7",)),
    ("Group of Twenty", "InternationalOrganization", "G20", ("G-20",)),
    ("Gulf Cooperation Council", "InternationalOrganization", "GCC", ()),
    ("Organisation of Islamic Cooperation", "InternationalOrganization", "OIC", ("Organization of Islamic Cooperation",)),
    ("South Asian Association for Regional Cooperation", "InternationalOrganization", "SAARC", ()),
    ("Organization for Security and Co-operation in Europe", "InternationalOrganization", "OSCE", ()),
    ("Organization of American States", "InternationalOrganization", "OAS", ()),
    ("Economic Community of West African States", "InternationalOrganization", "ECOWAS", ()),
    ("Southern African Development Community", "InternationalOrganization", "SADC", ()),
    ("Asia-Pacific Economic Cooperation", "InternationalOrganization", "APEC", ()),
    ("International Atomic Energy Agency", "InternationalOrganization", "IAEA", ()),
    ("Organisation for the Prohibition of Chemical Weapons", "InternationalOrganization", "OPCW", ()),
    ("World Trade Organization", "InternationalOrganization", "WTO", ()),
    ("International Monetary Fund", "InternationalOrganization", "IMF", ()),
    ("Arab League", "InternationalOrganization", None, ("League of Arab States",)),
    ("Commonwealth of Independent States", "InternationalOrganization", "CIS", ()),
    ("Eurasian Economic Union", "InternationalOrganization", "EAEU", ("EEU",)),
    ("Quadrilateral Security Dialogue", "InternationalOrganization", "Quad", ()),
    ("AUKUS", "InternationalOrganization", None, ()),
    ("Organization of the Petroleum Exporting Countries", "InternationalOrganization", "OPEC", ("OPEC+",)),
    ("Intergovernmental Authority on Development", "InternationalOrganization", "IGAD", ()),
    ("Mercosur", "InternationalOrganization", None, ("Mercosul",)),
    ("Comprehensive Nuclear-Test-Ban Treaty Organization", "InternationalOrganization", "CTBTO", ()),
    ("Treaty on the Non-Proliferation of Nuclear Weapons", "Treaty", "NPT",
     ("Non-Proliferation Treaty", "Nuclear Non-Proliferation Treaty", "Nuclear Nonproliferation Treaty")),
    ("Comprehensive Nuclear-Test-Ban Treaty", "Treaty", "CTBT", ("Comprehensive Test Ban Treaty",)),
    ("Chemical Weapons Convention", "Treaty", "CWC", ()),
    ("Biological Weapons Convention", "Treaty", "BWC", ()),
    ("Arms Trade Treaty", "Treaty", "ATT", ()),
    ("Treaty on the Prohibition of Nuclear Weapons", "Treaty", "TPNW", ()),
    ("New START", "Treaty", None, ("New START Treaty",)),
    ("Intermediate-Range Nuclear Forces Treaty", "Treaty", None, ("INF Treaty",)),
    ("Open Skies Treaty", "Treaty", None, ("Treaty on Open Skies",)),
    ("Outer Space Treaty", "Treaty", None, ()),
    ("Ottawa Treaty", "Treaty", None, ("Mine Ban Treaty",)),
    ("Treaty of Pelindaba", "Treaty", None, ("African Nuclear-Weapon-Free Zone Treaty", "Pelindaba Treaty")),
    ("Treaty of Tlatelolco", "Treaty", None, ()),
    ("Treaty of Rarotonga", "Treaty", None, ()),
    ("Treaty of Bangkok", "Treaty", None, ("Southeast Asian Nuclear-Weapon-Free Zone Treaty",)),
    ("Nuclear Suppliers Group", "Regime", "NSG", ()),
    ("Missile Technology Control Regime", "Regime", "MTCR", ()),
    ("Wassenaar Arrangement", "Regime", None, ()),
    ("Australia Group", "Regime", None, ()),
    ("Hague Code of Conduct", "Regime", "HCoC", ()),
)

# Arms makers and energy firms that carry no "Corporation"/"Ltd" to tell them by.
COMPANIES: tuple[str, ...] = (
    "Dassault Aviation", "Lockheed Martin", "Boeing", "Airbus", "Rosoboronexport", "Rostec", "Rosatom",
    "Naval Group", "Thales", "MBDA", "BAE Systems", "Raytheon", "RTX", "Northrop Grumman", "General Dynamics",
    "Leonardo", "Saab", "Rheinmetall", "KNDS", "Hanwha Aerospace", "Hanwha Ocean", "Hyundai Rotem",
    "Korea Aerospace Industries", "Mitsubishi Heavy Industries", "Baykar", "Aselsan", "Turkish Aerospace",
    "Roketsan", "NORINCO", "AVIC", "Hindustan Aeronautics", "Bharat Electronics", "BrahMos Aerospace",
    "Elbit Systems", "Israel Aerospace Industries", "Rafael", "Embraer", "Sukhoi", "Mikoyan",
    "Kalashnikov", "Uralvagonzavod", "Almaz-Antey", "Russian Helicopters", "United Shipbuilding Corporation",
    "Gazprom", "Novatek", "Rosneft", "QatarEnergy", "Qatar Petroleum", "Saudi Aramco", "ADNOC", "Sinopec",
    "CNPC", "PetroChina", "TotalEnergies", "ExxonMobil", "Shell", "Pakistan State Oil", "Fincantieri",
    "Navantia", "Damen", "ThyssenKrupp Marine Systems", "Kongsberg", "Diehl Defence", "Textron",
)
MEDIA: tuple[str, ...] = (
    "Reuters", "Associated Press", "AFP", "Agence France-Presse", "TASS", "RIA Novosti", "Interfax", "Sputnik",
    "Xinhua", "Anadolu Agency", "IRNA", "Press TV", "PTI", "Press Trust of India", "ANI", "Kyodo", "Kyodo News",
    "Yonhap", "Al Jazeera", "BBC", "CNN", "Bloomberg", "Associated Press of Pakistan", "WAM", "Qatar News Agency",
    "Saudi Press Agency", "Bernama", "Antara", "Philippine News Agency", "Global Times", "Dawn", "The Hindu",
)
# Weapon systems known by a name rather than a designation.
WEAPON_NAMES: dict[str, str] = {
    "Rafale": "fighter aircraft", "Gripen": "fighter aircraft", "Eurofighter Typhoon": "fighter aircraft",
    "Typhoon": "fighter aircraft", "Mirage 2000": "fighter aircraft", "Tejas": "fighter aircraft",
    "BrahMos": "cruise missile", "Bayraktar TB2": "drone", "Akinci": "drone", "Shahed": "drone",
    "Kinzhal": "hypersonic missile", "Iskander": "ballistic missile", "Tomahawk": "cruise missile",
    "Patriot": "air defence system", "HIMARS": "rocket launcher", "Javelin": "anti-tank missile",
    "Stinger": "air defence missile", "Harpoon": "anti-ship missile", "Exocet": "anti-ship missile",
    "Leopard 2": "main battle tank", "Abrams": "main battle tank", "Challenger 2": "main battle tank",
    "Merkava": "main battle tank", "Arjun": "main battle tank", "Apache": "attack helicopter",
    "Black Hawk": "utility helicopter", "Chinook": "transport helicopter", "Reaper": "drone",
    "Scorpene": "submarine", "Pantsir": "air defence system", "Tor": "air defence system",
    "Buk": "air defence system", "Wing Loong": "drone", "Global Hawk": "drone",
}
# What kind of system a noun names; the longest match wins.
WEAPON_CLASSES: dict[str, str] = {
    "fighter jets": "fighter aircraft", "fighter jet": "fighter aircraft", "fighters": "fighter aircraft",
    "fighter": "fighter aircraft", "jets": "fighter aircraft", "jet": "fighter aircraft",
    "aircraft": "aircraft", "light combat aircraft": "light combat aircraft", "trainer aircraft": "trainer aircraft",
    "transport aircraft": "transport aircraft", "helicopters": "helicopter", "helicopter": "helicopter",
    "attack helicopters": "attack helicopter", "gunships": "attack helicopter",
    "main battle tanks": "main battle tank", "main battle tank": "main battle tank", "tanks": "main battle tank",
    "tank": "main battle tank", "howitzers": "howitzer", "self-propelled howitzers": "self-propelled howitzer",
    "drones": "drone", "drone": "drone", "uavs": "drone", "uav": "drone", "frigates": "frigate", "frigate": "frigate",
    "corvettes": "corvette", "corvette": "corvette", "missile corvette": "corvette", "submarines": "submarine",
    "submarine": "submarine", "destroyers": "destroyer", "destroyer": "destroyer", "warships": "warship",
    "warship": "warship", "patrol vessels": "patrol vessel", "patrol vessel": "patrol vessel",
    "missiles": "missile", "missile": "missile", "air defence systems": "air defence system",
    "air defence system": "air defence system", "air defense systems": "air defence system",
    "air defense system": "air defence system", "rocket launchers": "rocket launcher",
    "armoured vehicles": "armoured vehicle", "armored vehicles": "armoured vehicle", "rifles": "rifle",
    "cutter": "cutter", "cutters": "cutter", "launchers": "launcher", "patrol boats": "patrol boat", "landing ships": "landing ship",
}

# Ranks and honorifics written before a name (longest first when matched).
RANKS: tuple[str, ...] = (
    "Air Chief Marshal", "Air Marshal", "Air Vice Marshal", "Field Marshal", "Marshal",
    "Lieutenant General", "Lt. Gen.", "Lt Gen", "Lt.Gen.", "Major General", "Maj. Gen.", "Maj Gen",
    "Brigadier General", "Brig. Gen.", "Brigadier", "Brig.", "General", "Gen.", "Colonel", "Col.",
    "Lieutenant Colonel", "Lt. Col.", "Major", "Maj.", "Captain", "Capt.", "Commodore", "Admiral", "Adm.",
    "Vice Admiral", "Vice Adm.", "Rear Admiral", "Rear Adm.", "Dr.", "Dr", "Prof.", "Professor", "Mr.", "Mr",
    "Mrs.", "Ms.", "Ms", "Sheikh", "Sheikha", "Prince", "Crown Prince", "King", "Queen", "Emir", "Sultan",
    "Senator", "Sen.", "Ambassador", "Amb.", "H.E.", "HE", "His Excellency", "Her Excellency", "Honourable",
    "Hon.", "The Honourable", "Madam", "Engr.", "Engineer",
)
# Titles of office written before a name; each maps to a kg:Post sheet key or None.
OFFICE_TITLES: tuple[tuple[str, str | None], ...] = (
    (r"deputy prime minister|vice[- ]president|vice[- ]premier|deputy (?:foreign|defen[cs]e) minister", None),
    (r"prime minister|premier", "prime_minister"),
    (r"president", "president"),
    (r"ambassador|envoy|high commissioner|permanent representative", "ambassador"),
    (r"(?:minister|secretary) (?:of|for) (?:national )?defen[cs]e|defen[cs]e (?:minister|secretary)"
     r"|minister of the armed forces|armed forces minister|minister of national defen[cs]e", "minister_of_defence"),
    (r"(?:minister|secretary) (?:of|for) foreign affairs|foreign (?:minister|secretary)|secretary of state"
     r"|external affairs minister|minister of external affairs", "foreign_minister"),
    (r"chief of (?:the )?(?:air|army|naval|navy) staff|chief of (?:the )?(?:air|naval) staff"
     r"|(?:air force|army|navy|naval) chief|commander of the [\w' ]*?(?:navy|air force|army)", "service_chief"),
    (r"chairman,? joint chiefs(?: of staff(?: committee)?)?|cjcsc|chairman of the joint chiefs(?: of staff)?",
     "chairman_joint_chiefs"),
    (r"executive director", "executive_director"),
    (r"project director", "project_director"),
    (r"director[- ]general|director", "director"),
    (r"advis[eo]r", "adviser"),
    (r"minister|secretary|spokes(?:man|woman|person)|chairman|chairperson|chair|commander|chief|governor"
     r"|secretary[- ]general|senator|king|emir|sultan|chancellor|head", None),
)

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12, "dozen": 12,
    "a pair of": 2, "a single": 1, "a": 1, "an": 1,
}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "seventy-fifth": 75, "eightieth": 80, "ninetieth": 90, "hundredth": 100, "twenty-fifth": 25,
}


@dataclass
class CountryRecord:
    """One state as the packages describe it."""

    alpha2: str
    alpha3: str
    name: str  # the common short name ("Russia", "South Korea")
    names: set[str] = field(default_factory=set)  # every other name it goes by
    demonyms: set[str] = field(default_factory=set)
    capital: str | None = None
    provinces: list[str] = field(default_factory=list)


def _comma_inverted(name: str) -> list[str]:
    """"Korea, Republic of" -> "Republic of Korea"; "Iran, Islamic Republic of" -> also "Iran"."""
    if ", " not in name:
        return [name]
    head, _, tail = name.partition(", ")
    return [f"{tail} {head}".strip(), head]


@lru_cache(maxsize=1)
def countries() -> tuple[CountryRecord, ...]:
    """Every state in ISO 3166-1, with the names, demonyms and capital the packages give."""
    try:
        import pycountry
    except ImportError:  # without it only the registry's states are known; say so once
        import warnings

        warnings.warn("pycountry is not installed: states are recognized from the registry only", stacklevel=2)
        return ()
    try:
        import countryinfo
        infos: dict[str, Mapping[str, Any]] = {}
        for c in countryinfo.all_countries():
            info = c.info()
            iso = (info.get("ISO") or {}).get("alpha2")
            if iso:
                infos[iso] = info
    except ImportError:  # the demonyms and capitals are then the registry's alone
        infos = {}
    out = []
    for country in pycountry.countries:
        about = infos.get(country.alpha_2, {})
        short = about.get("name") or getattr(country, "common_name", None) or _comma_inverted(country.name)[-1]
        rec = CountryRecord(country.alpha_2, country.alpha_3, short)
        for n in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if n:
                rec.names.update(_comma_inverted(n))
        for alt in about.get("altSpellings") or []:
            if not (alt.isupper() and len(alt) <= 3) and alt.isascii():
                rec.names.update(_comma_inverted(alt))
        rec.names.update(EXTRA_STATE_NAMES.get(country.alpha_2, ()))
        demonym = about.get("demonym")
        if demonym:
            rec.demonyms.add(demonym)
        capital = about.get("capital")
        if capital:
            rec.capital = CAPITAL_OVERRIDES.get(capital, capital)
        rec.provinces = [p for p in about.get("provinces") or [] if isinstance(p, str)]
        rec.names.discard(short)
        out.append(rec)
    return tuple(out)


# Demonyms several territories share go to the sovereign state news prose means by them.
DEMONYM_OF = {"American": "US", "British": "GB", "Chinese": "CN", "French": "FR", "Dutch": "NL", "Danish": "DK",
              "Indian": "IN", "Australian": "AU", "Norwegian": "NO", "Finnish": "FI", "Portuguese": "PT",
              "Spanish": "ES", "Moroccan": "MA", "Israeli": "IL", "Greek": "GR", "Cypriot": "CY"}

# Combining forms in "Indo-Oman", "Sino-Russian", "Franco-German": the state each stands for (ISO code).
COMBINING_FORMS = {"Indo": "IN", "Sino": "CN", "Russo": "RU", "Franco": "FR", "Anglo": "GB", "Italo": "IT",
                   "Turco": "TR", "Greco": "GR", "Nippo": "JP", "Luso": "PT", "Hispano": "ES", "Polono": "PL",
                   "Serbo": "RS", "Perso": "IR", "Pak": "PK", "Indo-Pak": "IN", "Austro": "AT", "Germano": "DE",
                   "Americo": "US", "Israeli": "IL", "Sino-Indian": "CN"}

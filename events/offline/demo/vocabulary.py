"""The words and odds behind the demo data (`events.offline.demo`): sounds for made-up names,
outlets, topics, quote and explanation templates, and how likely each kind of record and
each lifecycle is. Everything here is invented."""

from dataclasses import dataclass

from events.vocabularies import ALLOWED_TRANSITIONS

# --- Vocabulary ----------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """Items separated by white space."""
    return tuple(text.split())


def _lines(text: str) -> tuple[str, ...]:
    """One item per line (keeps long word lists compact under the formatter)."""
    return tuple(line.strip() for line in text.strip().splitlines())


@dataclass(frozen=True)
class Phonology:
    """Sounds for made-up names of one part of the world."""

    syllables: tuple[str, ...]
    state_endings: tuple[str, ...]
    given_endings: tuple[str, ...]
    surname_endings: tuple[str, ...]
    city_endings: tuple[str, ...]


NORTHERN = Phonology(
    syllables=_words(
        """
        al bar bel dor est fal gor hal kar lan lor mar mor nor ost pel ran ros sel stav
        tor ul val ven vil wes
        """
    ),
    state_endings=("ia", "land", "ovia", "aria", "enia", "mark", "avia"),
    given_endings=("a", "o", "an", "ek", "ina", "el", "ard", "is", "en"),
    surname_endings=("sen", "ov", "ic", "berg", "ari", "escu", "ner", "ski", "elli", "ova", "dal"),
    city_endings=("burg", "grad", "stad", "heim", "ovo", "mont", "sk", "wick"),
)
SOUTHERN = Phonology(
    syllables=_words(
        """
        ba ka ma nda zi lu ko mbo se tu wa ni ga lo sa fu ke ru mo di ya we ta bu
        """
    ),
    state_endings=("ia", "a", "ana", "ombe", "ezi", "oto", "wi", "ango"),
    given_endings=("a", "o", "e", "i", "ame", "ele", "ani", "ju"),
    surname_endings=("ba", "nge", "ola", "imu", "ake", "osi", "we", "enda", "oko"),
    city_endings=("ville", "ka", "mbe", "oro", "ani", "la", "pur"),
)
EASTERN = Phonology(
    syllables=_words(
        """
        an bao chen da hai jin kai lin mei nam phan quan ren san tao wen xia yun zhu hoa
        sung tae min ho
        """
    ),
    state_endings=("an", "ia", "ara", "ing", "ore", "ang", "esh"),
    given_endings=("", "an", "ei", "ong", "ya", "ri"),
    surname_endings=("", "ng", "o", "an", "i", "u"),
    city_endings=("pur", "bang", "shan", "kou", "ma", "nagar", "jaya"),
)
WESTERN_ASIAN = Phonology(
    syllables=_words(
        """
        al bah dar far ha ja kar mir nas qa ra sa tar zar sha kha bek tash ud yar ab is
        or man
        """
    ),
    state_endings=("stan", "ia", "an", "ar", "iya", "istan"),
    given_endings=("ad", "ir", "im", "a", "ud", "ina", "ib"),
    surname_endings=("i", "ov", "zadeh", "ani", "ullah", "bek", "yev", "ari"),
    city_endings=("abad", "shahr", "kent", "ar", "ah", "ara"),
)
ATLANTIC = Phonology(
    syllables=_words(
        """
        ca lo mar san ti ve ra del bo na pa ri to que sol gua mon ta lu ko ma hi nu va
        """
    ),
    state_endings=("ia", "a", "ador", "ina", "ana", "ito", "uay", "esia"),
    given_endings=("o", "a", "io", "ela", "ano", "ita", "el"),
    surname_endings=("ez", "es", "ara", "ado", "eira", "ino", "anu", "oa"),
    city_endings=("ia", "o", "a", "opolis", "ito", "ana", "cruz"),
)

# Region (events.models.Region values) → how names sound there, and its share of the states.
REGIONS: dict[str, tuple[Phonology, float]] = {
    "europe": (NORTHERN, 0.20),
    "north_america": (NORTHERN, 0.03),
    "africa": (SOUTHERN, 0.23),
    "latin_america": (ATLANTIC, 0.15),
    "oceania": (ATLANTIC, 0.05),
    "middle_east": (WESTERN_ASIAN, 0.10),
    "central_asia": (WESTERN_ASIAN, 0.04),
    "south_asia": (EASTERN, 0.05),
    "east_asia": (EASTERN, 0.07),
    "southeast_asia": (EASTERN, 0.08),
}

STATE_FORMS = (
    ("Republic of {}", 0.42),
    ("{}", 0.22),
    ("Kingdom of {}", 0.10),
    ("Federal Republic of {}", 0.08),
    ("Democratic Republic of {}", 0.05),
    ("Union of {}", 0.05),
    ("Commonwealth of {}", 0.04),
    ("Principality of {}", 0.04),
)

GLOBAL_OUTLETS = _lines(
    """
    The Meridian Times
    Global Wire Service
    The Continental Herald
    The Harbour Post
    Atlas Daily
    The Northern Ledger
    World Affairs Review
    The Evening Courier
    Crossroads Monitor
    Pacific Dispatch
    The Compass
    International Bulletin
    The Standard Observer
    Lighthouse News Agency
    The Signal
    Horizon Press Agency
    The Weekly Envoy
    Capital Report
    The Frontier Journal
    Summit Newswire
    """
)
THINK_TANKS = _lines(
    """
    Halden Institute for International Affairs
    Centre for Maritime Security Studies
    Meridian Policy Forum
    Institute for Regional Dialogue
    Foundation for Arms Control
    Council on Trade and Security
    Observatory of Diplomatic Practice
    """
)
RELAYS = _lines(
    """
    citing officials
    citing two officials familiar with the talks
    citing a government statement
    citing diplomats
    citing people briefed on the matter
    """
)

TOPICS: dict[str, tuple[str, ...]] = {
    "military": _lines(
        """
        maritime incidents
        air intercepts
        exercises near the border
        naval patrols in the strait
        arms sales to third countries
        missile deployments
        a crisis hotline
        search-and-rescue cooperation
        military observers
        nuclear doctrine
        cyber operations
        unsafe manoeuvres at sea
        """
    ),
    "diplomatic": _lines(
        """
        visa restrictions
        the status of consulates
        detained nationals
        interference in elections
        human rights
        the border demarcation
        water sharing
        refugee returns
        embassy staffing
        the disputed islands
        a treaty of friendship
        consular access
        """
    ),
    "leaders": _lines(
        """
        a strategic partnership
        the regional security order
        climate finance
        a long-term cooperation treaty
        trade and investment
        the conflict in the region
        energy security
        a joint declaration
        """
    ),
    "economic": _lines(
        """
        tariffs on steel
        export controls on semiconductors
        agricultural quotas
        a free-trade agreement
        energy transit fees
        investment screening
        debt restructuring
        fishing rights
        rare-earth supplies
        port access
        """
    ),
    "multilateral": _lines(
        """
        maritime security cooperation
        counter-terrorism
        peacekeeping contributions
        non-proliferation
        disaster relief
        the regional security forum's agenda
        """
    ),
}

TRACK_NOUNS = {
    "military": "military-to-military",
    "diplomatic": "diplomatic",
    "leaders": "leader-level",
    "economic": "economic",
    "multilateral": "forum",
}
TRACK_WEIGHTS = {
    "diplomatic": 1.2,
    "military": 1.0,
    "economic": 0.9,
    "multilateral": 0.6,
    "leaders": 0.5,
}
# Which tracks a pair of states talks on, and how likely each is (diplomatic always).
TRACK_ODDS = (("military", 0.55), ("economic", 0.6), ("leaders", 0.35), ("multilateral", 0.3))

ENGAGEMENT_KINDS: dict[str, tuple[tuple[str, float], ...]] = {
    "military": (
        ("phone_call", 0.30),
        ("video_call", 0.10),
        ("meeting", 0.25),
        ("visit", 0.15),
        ("dialogue_round", 0.15),
        ("forum", 0.05),
    ),
    "diplomatic": (
        ("phone_call", 0.30),
        ("meeting", 0.35),
        ("visit", 0.15),
        ("dialogue_round", 0.15),
        ("video_call", 0.05),
    ),
    "leaders": (
        ("phone_call", 0.40),
        ("summit", 0.25),
        ("visit", 0.15),
        ("meeting", 0.15),
        ("video_call", 0.05),
    ),
    "economic": (
        ("dialogue_round", 0.35),
        ("meeting", 0.30),
        ("phone_call", 0.15),
        ("video_call", 0.10),
        ("visit", 0.10),
    ),
    "multilateral": (("forum", 0.70), ("meeting", 0.20), ("dialogue_round", 0.10)),
}
KIND_NOUNS = {
    "phone_call": "call",
    "video_call": "video call",
    "meeting": "meeting",
    "visit": "visit",
    "summit": "summit",
    "forum": "forum",
    "dialogue_round": "dialogue round",
}
MULTI_DAY_KINDS = {"visit", "summit", "forum", "dialogue_round"}
CALL_KINDS = {"phone_call", "video_call"}
DIALOGUES = {
    "military": "defence policy dialogue",
    "diplomatic": "political consultations",
    "leaders": "strategic dialogue",
    "economic": "economic dialogue",
    "multilateral": "consultations on the forum's agenda",
}

# Lifecycles, by outcome: each a list of states the engagement passes through, and its odds.
PATHS: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "held": (
        (("held",), 0.20),
        (("scheduled", "held"), 0.40),
        (("proposed", "scheduled", "held"), 0.28),
        (("proposed", "held"), 0.06),
        (("proposed", "postponed", "scheduled", "held"), 0.06),
    ),
    "declined": ((("proposed", "declined"), 1.0),),
    "cancelled": (
        (("scheduled", "cancelled"), 0.4),
        (("proposed", "cancelled"), 0.25),
        (("proposed", "scheduled", "cancelled"), 0.2),
        (("scheduled", "postponed", "cancelled"), 0.15),
    ),
    "proposed": ((("proposed",), 1.0),),
    "scheduled": ((("scheduled",), 0.5), (("proposed", "scheduled"), 0.5)),
    "postponed": ((("proposed", "postponed"), 0.5), (("scheduled", "postponed"), 0.5)),
}
for _paths in PATHS.values():
    for _path, _odds in _paths:
        for _before, _after in zip(("", *_path), _path, strict=False):
            assert _after in ALLOWED_TRANSITIONS[_before], (_before, _after)

STATUSES = ("open", "limited", "stalled", "frozen")  # best to worst
# Odds that a past engagement was held, by the channel's status at the time.
HELD_ODDS = {"open": 0.9, "limited": 0.75, "stalled": 0.5, "frozen": 0.3}
STANCE_ODDS = {
    "open": (
        ("conciliatory", 0.2),
        ("cooperative", 0.4),
        ("neutral", 0.25),
        ("critical", 0.12),
        ("hostile", 0.03),
    ),
    "limited": (
        ("conciliatory", 0.15),
        ("cooperative", 0.25),
        ("neutral", 0.3),
        ("critical", 0.22),
        ("hostile", 0.08),
    ),
    "stalled": (
        ("conciliatory", 0.12),
        ("cooperative", 0.12),
        ("neutral", 0.26),
        ("critical", 0.33),
        ("hostile", 0.17),
    ),
    "frozen": (
        ("conciliatory", 0.08),
        ("cooperative", 0.05),
        ("neutral", 0.2),
        ("critical", 0.35),
        ("hostile", 0.32),
    ),
}

# First-person quotes, by stance. {self}/{other}: the speaker's state and the other party.
QUOTES: dict[str, tuple[str, ...]] = {
    "conciliatory": (
        "We are ready to work with {other} to resolve {topic} through dialogue.",
        "Our door remains open. We want {track} contact with {other} back on a regular footing.",
        "There is no question between {self} and {other} on {topic} that cannot be settled at "
        "the table.",
        "We will not seek confrontation with {other}, and we hope {other} will not seek it "
        "with us.",
        "Both our countries gain when we talk, and we intend to keep talking about {topic}.",
        "We extend our hand to {other}. Let us put {topic} behind us.",
    ),
    "cooperative": (
        "The talks on {topic} were productive, and we agreed to meet again soon.",
        "We have agreed with {other} to set up a working group on {topic}.",
        "Our teams will continue their work on {topic} in the coming weeks.",
        "We welcome the proposal from {other} on {topic} and are studying it carefully.",
        "This was a useful exchange. {other} and {self} see {topic} in much the same way.",
    ),
    "neutral": (
        "We have taken note of the position of {other} on {topic}.",
        "Contacts with {other} continue at the working level.",
        "No decision has been taken on a {kind} with {other} at this stage.",
        "We will study the proposal and respond through the usual channels.",
        "Our position on {topic} is well known and has not changed.",
    ),
    "critical": (
        "The position of {other} on {topic} is not helpful and does not reflect what we agreed.",
        "We are concerned by the recent steps {other} has taken on {topic}, and we have said "
        "so directly.",
        "{other} must honour its commitments on {topic}.",
        "We regret that {other} postponed the talks without explanation.",
        "Statements from {other} on {topic} do nothing to build trust.",
    ),
    "hostile": (
        "The actions of {other} on {topic} are a provocation, and they will be met with a firm "
        "response.",
        "The threat {other} poses is real, and we will not be intimidated.",
        "We will take every measure necessary to defend our interests against {other}.",
        "{other} has shown once again that it cannot be trusted on {topic}.",
        "If {other} continues down this road on {topic}, it alone will bear the consequences.",
    ),
}
# Paraphrases (not verbatim), in the editor's words.
PARAPHRASES: dict[str, tuple[str, ...]] = {
    "conciliatory": (
        "Said {self} was ready to settle {topic} with {other} through dialogue.",
        "Called for {track} contact with {other} to resume on a regular basis.",
    ),
    "cooperative": (
        "Said the talks with {other} on {topic} had been productive.",
        "Announced a joint working group with {other} on {topic}.",
    ),
    "neutral": (
        "Said {self} had taken note of the position of {other} on {topic}.",
        "Said no decision had been taken on further contact with {other}.",
    ),
    "critical": (
        "Criticised the position of {other} on {topic}.",
        "Urged {other} to honour its commitments on {topic}.",
    ),
    "hostile": (
        "Warned {other} of a firm response over {topic}.",
        "Accused {other} of provocations over {topic}.",
    ),
}
LEADS = ("", "", "", "Let me be clear: ", "As I told my counterpart, ", "Once again, ")

READINGS = {
    "highlights": "{side} points to this line as the real tenor of the remarks: {speaker_state} "
    "does not seek confrontation over {topic}.",
    "focuses_on": "{side} treats this line as what {speaker} really meant, and cites it when it "
    "holds back from new contact on {topic}.",
    "downplays": "{side} calls the remark domestic politics and says it changes nothing on "
    "{topic}.",
    "disputes": "{side} rejects the account of {topic} given here and says the facts are "
    "otherwise.",
}
CHARACTERISATIONS = {
    "good": (
        "constructive and pragmatic",
        "candid and in-depth",
        "productive",
        "positive and forward-looking",
        "cordial and substantive",
        "useful and constructive",
    ),
    "mixed": (
        "frank",
        "a frank exchange of views",
        "businesslike",
        "difficult but necessary",
        "candid",
    ),
    "bad": ("tense", "difficult", "frank and at times heated", "disappointing"),
}

STATUS_EXPLANATIONS = {
    "open": (
        "Regular {track} contact between {a} and {b} has resumed; the last round on {topic} was "
        "described as constructive.",
        "{a} and {b} keep their {track} channel busy: calls and meetings on {topic} take place "
        "as planned.",
        "Both sides report working contact on {topic} and an agreed calendar of meetings.",
    ),
    "limited": (
        "Contact continues at working level only; senior {track} meetings are on hold over "
        "{topic}.",
        "{b} accepts calls but not visits while {topic} remains unresolved.",
        "The channel works for routine matters; talks on {topic} have not moved.",
    ),
    "stalled": (
        "A proposed {kind} has gone unanswered; {topic} stands in the way.",
        "{b} has not replied to the latest proposal from {a}; both sides blame the other over "
        "{topic}.",
        "No senior {track} contact since the dispute over {topic}; proposals are pending.",
    ),
    "frozen": (
        "{b} suspended {track} contact with {a} over {topic}.",
        "{a} recalled its envoy and froze {track} contact after the row over {topic}.",
        "All {track} contact is suspended; neither side has proposed talks since the dispute "
        "over {topic}.",
    ),
}

# Institutions of every state, most important first: key, name, short name, parent key, and
# offices (key, title, shortest and longest tenure in years).
INSTITUTIONS: tuple[tuple[str, str, str, str, tuple[tuple[str, str, int, int], ...]], ...] = (
    (
        "mfa",
        "Ministry of Foreign Affairs of {state}",
        "{short} foreign ministry",
        "",
        (
            ("fm", "Minister of Foreign Affairs", 2, 6),
            ("spokesperson_mfa", "Spokesperson of the Ministry of Foreign Affairs", 1, 4),
            ("deputy_fm", "Deputy Minister of Foreign Affairs", 2, 5),
            ("special_envoy", "Special Envoy for Regional Affairs", 1, 3),
            ("dg_political", "Director-General for Political Affairs", 2, 4),
        ),
    ),
    (
        "leadership",
        "Presidency of {state}",
        "{short} presidency",
        "",
        (
            ("leader", "President", 4, 8),
            ("nsa", "National Security Adviser", 2, 5),
        ),
    ),
    (
        "mod",
        "Ministry of Defence of {state}",
        "{short} defence ministry",
        "",
        (
            ("dm", "Minister of Defence", 2, 6),
            ("spokesperson_mod", "Spokesperson of the Ministry of Defence", 1, 4),
            ("deputy_dm", "Deputy Minister of Defence", 2, 5),
            ("dg_policy", "Director-General for Defence Policy", 2, 4),
        ),
    ),
    (
        "general_staff",
        "General Staff of the Armed Forces of {state}",
        "{short} general staff",
        "mod",
        (
            ("chief", "Chief of the General Staff", 2, 5),
            ("deputy_chief", "Deputy Chief of the General Staff", 2, 4),
        ),
    ),
    (
        "economy",
        "Ministry of Economy and Trade of {state}",
        "{short} economy ministry",
        "",
        (
            ("econ_min", "Minister of Economy and Trade", 2, 5),
            ("trade_rep", "Chief Trade Negotiator", 2, 5),
        ),
    ),
    (
        "un_mission",
        "Permanent Mission of {state} to the United Nations",
        "{short} UN mission",
        "mfa",
        (("pr_un", "Permanent Representative to the United Nations", 3, 5),),
    ),
    (
        "finance",
        "Ministry of Finance of {state}",
        "{short} finance ministry",
        "",
        (("fin_min", "Minister of Finance", 2, 5),),
    ),
    (
        "parliament",
        "Parliament of {state}",
        "{short} parliament",
        "",
        (
            ("speaker", "Speaker", 4, 5),
            ("fac_chair", "Chair of the Foreign Affairs Committee", 2, 5),
        ),
    ),
    (
        "navy",
        "Navy of {state}",
        "{short} navy",
        "general_staff",
        (("navy_chief", "Commander of the Navy", 2, 5),),
    ),
    (
        "air_force",
        "Air Force of {state}",
        "{short} air force",
        "general_staff",
        (("af_chief", "Commander of the Air Force", 2, 5),),
    ),
)
INSTITUTION_SHARE = 0.14  # of a state's actors, institutions (the rest are people)

# Who takes part, by track and kind: office keys of each side's principal, in order of preference.
PRINCIPALS: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "military": ((("dm",), 0.6), (("chief",), 0.25), (("deputy_dm", "dm"), 0.15)),
    "diplomatic": ((("fm",), 0.6), (("deputy_fm", "fm"), 0.25), (("special_envoy", "fm"), 0.15)),
    "leaders": ((("leader",), 1.0),),
    "economic": (
        (("econ_min",), 0.5),
        (("trade_rep", "econ_min"), 0.3),
        (("fin_min", "econ_min"), 0.2),
    ),
    "multilateral": ((("fm",), 0.4), (("pr_un", "fm"), 0.4), (("dm", "fm"), 0.2)),
}
DIALOGUE_PRINCIPALS = {
    "military": ("dg_policy", "deputy_dm", "dm"),
    "diplomatic": ("dg_political", "deputy_fm", "fm"),
    "leaders": ("nsa", "fm", "leader"),
    "economic": ("trade_rep", "econ_min"),
    "multilateral": ("pr_un", "deputy_fm", "fm"),
}
DELEGATES = {
    "military": ("deputy_chief", "dg_policy", "navy_chief", "af_chief", "deputy_dm"),
    "diplomatic": ("dg_political", "deputy_fm", "special_envoy"),
    "leaders": ("fm", "nsa", "dm", "econ_min"),
    "economic": ("fin_min", "trade_rep", "deputy_fm"),
    "multilateral": ("deputy_fm", "dg_political", "deputy_dm"),
}
SPEAKERS: dict[str, tuple[tuple[str, float], ...]] = {
    "military": (
        ("spokesperson_mod", 0.3),
        ("dm", 0.2),
        ("chief", 0.1),
        ("spokesperson_mfa", 0.15),
        ("leader", 0.05),
        ("ambassador", 0.1),
        ("deputy_dm", 0.1),
    ),
    "diplomatic": (
        ("spokesperson_mfa", 0.35),
        ("fm", 0.25),
        ("deputy_fm", 0.1),
        ("ambassador", 0.15),
        ("leader", 0.05),
        ("fac_chair", 0.05),
        ("special_envoy", 0.05),
    ),
    "leaders": (("leader", 0.5), ("spokesperson_mfa", 0.2), ("fm", 0.2), ("nsa", 0.1)),
    "economic": (
        ("econ_min", 0.35),
        ("trade_rep", 0.25),
        ("fin_min", 0.15),
        ("spokesperson_mfa", 0.15),
        ("leader", 0.1),
    ),
    "multilateral": (("pr_un", 0.4), ("fm", 0.25), ("spokesperson_mfa", 0.25), ("dm", 0.1)),
}
SPEAKER_FALLBACK = ("spokesperson_mfa", "fm", "leader", "dm")
# Which institution issues a channel's official readouts.
READOUT_INSTITUTIONS = {
    "military": ("mod", "mfa"),
    "diplomatic": ("mfa",),
    "leaders": ("leadership", "mfa"),
    "economic": ("economy", "mfa"),
    "multilateral": ("mfa", "un_mission"),
}

SOURCE_KINDS = (
    ("official_readout", 0.28),
    ("major_outlet", 0.35),
    ("secondary_report", 0.17),
    ("official_statement", 0.10),
    ("transcript", 0.06),
    ("other", 0.04),
)

# Fuzzy date profiles: how precisely each kind of date is usually reported.
STEP_DATES = (("day", 0.8), ("part_of_month", 0.08), ("month", 0.06), ("range", 0.06))
HELD_DATES = (("day", 0.72), ("days", 0.2), ("part_of_month", 0.04), ("month", 0.04))
PLANNED_DATES = (
    ("day", 0.2),
    ("days", 0.08),
    ("part_of_month", 0.3),
    ("month", 0.28),
    ("quarter", 0.07),
    ("part_of_year", 0.05),
    ("years", 0.02),
)
STATUS_DATES = (
    ("day", 0.4),
    ("part_of_month", 0.25),
    ("month", 0.24),
    ("quarter", 0.05),
    ("range", 0.06),
)
SAID_DATES = (("day", 0.88), ("part_of_month", 0.04), ("month", 0.05), ("range", 0.03))
PUBLISHED_DATES = (("day", 0.96), ("month", 0.02), ("range", 0.02))
HOLDING_DATES = (("day", 0.55), ("month", 0.3), ("year", 0.1), ("part_of_month", 0.05))
RAISED_DATES = (("month", 0.4), ("part_of_month", 0.2), ("day", 0.3), ("quarter", 0.1))

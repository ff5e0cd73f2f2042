"""General patterns of English news prose beyond the development set (speech verbs, attribution,
refusals, ties, direction of sale), each on sentences written for the tests."""

from __future__ import annotations

from kg.extract import extract_document
from kg.extract.text import document_from_text


def drafts(text: str, ref: str = "2019-03-14"):
    return extract_document(document_from_text(text, ref))


def of_type(text: str, kind: str, ref: str = "2019-03-14"):
    return [d for d in drafts(text, ref) if d.type == kind]


def names(f, role: str) -> list[str]:
    return [p.name for p in f.role(role)]


# ------------------------------------------------------------------ cause 1: reporting verbs and attribution
def test_present_tense_claims_is_a_statement():
    found = of_type("Norway claims the new limits on its fleet are unfair to Sweden.", "statement")
    assert [names(f, "speaker") for f in found] == [["Norway"]]


def test_complained_is_speech_and_takes_its_own_month():
    found = of_type("Prime Minister Lars Ekholm visited Oslo on Monday.\n\n"
                    'Ekholm complained in May that Russia was "arming the Baltic shores".', "statement")
    assert len(found) == 1 and names(found[0], "speaker") == ["Lars Ekholm"]
    assert str(found[0].date) == "2019-05"


def test_person_of_state_is_the_speaker_not_the_state():
    for verb in ("warned Russia against deploying missiles near Finland",
                 "urged Russia to withdraw its troops from Georgia",
                 "denied that Norway had asked for talks with Russia",
                 "expressed gratitude to Finland for its support"):
        found = of_type(f"Foreign Minister Lars Ekholm of Sweden {verb}.", "statement")
        assert [names(f, "speaker") for f in found] == [["Lars Ekholm"]], verb


def test_passive_agent_is_the_speaker():
    found = of_type('The handover was described by the Embassy of Brazil as "a milestone" for ties with Argentina.',
                    "statement")
    assert [names(f, "speaker") for f in found] == [["Brazil"]]


def test_said_the_statement_goes_to_its_author_named_before():
    found = of_type("The Chilean foreign ministry issued a statement on Monday after the talks in Lima.\n\n"
                    "The talks confirm the deep friendship between Chile and Peru, said the statement.", "statement")
    assert [names(f, "speaker") for f in found] == [["Chile"]]


def test_said_the_statement_continues_the_statement_before():
    found = of_type("The navies of Chile and Peru began joint drills on Monday, the Chilean navy said in a statement.\n\n"
                    "The drills confirm the deep friendship between the two navies, said the statement.", "statement")
    assert len(found) == 1 and len(found[0].quotes) == 2


def test_calling_someone_a_name_is_speech():
    found = of_type("President Ana Robles visited Lima on Monday.\n\n"
                    "Robles called Peru a steadfast partner of Chile.", "statement")
    assert [names(f, "speaker") for f in found] == [["Ana Robles"]]


# ------------------------------------------------------------------ cause 3: refused or failed actions
def test_refused_to_ratify_is_no_ratification():
    text = "Brazil and Chile signed the Treaty of Valparaiso in 2001.\n\nArgentina has refused to ratify the treaty."
    found = of_type(text, "treaty_status")
    assert not [f for f in found if names(f, "party") == ["Argentina"] and f.fields.get("status") == "party"]


def test_declined_to_sign_is_no_agreement_but_signing_elsewhere_stands():
    assert not of_type("Peru declined to sign the defence agreement with Chile on Monday.", "agreement")
    kept = of_type("Peru signed a defence agreement with Chile on Monday, although Bolivia declined to sign one.",
                   "agreement")
    assert kept and {"Peru", "Chile"} <= {n for f in kept for n in names(f, "parties")}


def test_failed_to_buy_is_no_order():
    assert not of_type("Peru failed to buy the Gripen fighters from Sweden in 2015.", "arms_order")
    assert of_type("Peru bought Gripen fighters from Sweden in 2015.", "arms_order")


# ------------------------------------------------------------------ causes 2 and 9: ties broken, two ties in a sentence
def test_broke_relations_without_off_is_a_cut():
    found = of_type("Nicaragua broke diplomatic relations with Taiwan on Monday.", "diplomatic_relations")
    assert [(sorted(names(f, "parties")), f.fields.get("change")) for f in found] == [(["Nicaragua", "Taiwan"], "severed")]


def test_second_change_in_one_sentence_keeps_the_subject():
    found = of_type("Nicaragua has established diplomatic ties with China while breaking relations with Taiwan.",
                    "diplomatic_relations")
    got = sorted((sorted(names(f, "parties")), f.fields.get("change")) for f in found)
    assert got == [(["China", "Nicaragua"], "established"), (["Nicaragua", "Taiwan"], "severed")]


def test_it_in_reported_speech_is_the_sentence_subject():
    found = of_type("Nicaragua's government said on Monday that it was severing ties with Taipei.", "diplomatic_relations")
    assert [sorted(names(f, "parties")) for f in found] == [["Nicaragua", "Taiwan"]]


# ------------------------------------------------------------------ causes 2 and 7: orders as nouns, direction of sale
def _order(text: str):
    found = of_type(text, "arms_order")
    return [(names(f, "supplier"), names(f, "recipient")) for f in found]


def test_deal_to_sell_makes_the_subject_the_supplier():
    assert _order("Sweden signed a deal with Peru on Monday to sell Gripen fighters.") == [(["Sweden"], ["Peru"])]
    assert _order("Peru signed a deal with Sweden on Monday to buy Gripen fighters.") == [(["Sweden"], ["Peru"])]


def test_possessor_of_acquisition_buys_and_the_co_signer_sells():
    assert _order("Sweden and Peru signed on Monday the contract for Lima's acquisition of Gripen fighters.") == \
        [(["Sweden"], ["Peru"])]


# ------------------------------------------------------------------ causes 2 and 8: treaty names, capitals inside names
def _treaties(text: str):
    return [(names(f, "party"), names(f, "treaty"), f.fields.get("status")) for f in of_type(text, "treaty_status")]


def test_treaty_name_stops_before_a_day():
    got = _treaties("Belarus suspended its participation in the Treaty on Open Skies in Europe on Tuesday.")
    assert got == [(["Belarus"], ["Treaty on Open Skies in Europe"], "not_party")]


def test_suspending_a_treaty_by_its_acronym_and_a_possessor_party():
    assert _treaties("Belarus suspended the START Treaty on Tuesday.") == [(["Belarus"], ["START Treaty"], "not_party")]
    got = _treaties("The national assembly voted on Tuesday to suspend Minsk's participation in the Treaty on Open Skies.")
    assert got == [(["Belarus"], ["Treaty on Open Skies"], "not_party")]


def test_capital_inside_an_organisation_name_is_not_its_state():
    found = drafts("NATO and Warsaw Pact countries signed the Vienna Document in 1990.")
    assert not any("Poland" in p.name for f in found for p in f.participants)


# ------------------------------------------------------------------ cause 5: the date a statement was made
def _dates(text: str, ref: str = "2019-03-14") -> list[str]:
    return [str(f.date) for f in of_type(text, "statement", ref)]


def test_todays_event_is_not_the_day_of_speaking():
    assert _dates("Speaking at the ceremony on Friday, Air Marshal Omar Bello said today's event reflected "
                  "the trust between Ghana and Pakistan.") == ["2019-03-08"]
    assert _dates("Air Marshal Omar Bello addressed the ceremony in Accra on Friday.\n\n"
                  "He said today's event reflected the trust between Ghana and Pakistan.") == ["2019-03-08"]


def test_a_past_date_after_a_threat_dates_the_threat():
    got = _dates("President Olav Berg of Norway first threatened to leave the treaty with Russia in April, "
                 "amid growing anger over US plans.", ref="2019-11-08")
    assert got == ["2019-04"]


# ------------------------------------------------------------------ cause 4: the speaker behind a part played at an event
def test_guest_of_honour_is_the_person_named_so_not_the_last_person_named():
    found = of_type("Ghana's Defence Minister Kofi Mensah was the guest of honour at the handover ceremony in Accra "
                    "on Friday. Air Marshal Omar Bello of Pakistan also spoke at the event.\n\n"
                    "Addressing the ceremony, the guest of honour expressed gratitude for the sustained cooperation "
                    'with Pakistan. "The aircraft will strengthen our air force," he said.', "statement")
    assert [names(f, "speaker") for f in found] == [["Kofi Mensah"]]
    assert str(found[0].date) == "2019-03-08"  # the ceremony's Friday, not the day of publication


# ------------------------------------------------------------------ cause 6: one handover told twice
def test_handover_restated_in_a_quote_is_one_delivery():
    found = of_type("ACCRA: Pakistan on Friday handed over three JF-17 Thunder fighter aircraft to the Ghana Air Force.\n\n"
                    '"The induction of JF-17 fighter aircraft from Pakistan will boost our capacity," '
                    "Ghana's Air Chief Kwame Asante said.", "arms_delivery")
    assert len(found) == 1 and names(found[0], "supplier") == ["Pakistan"]

"""Speech attribution (kg.extract.speech) and the reading stage under it, on sentences written for the tests.

Each text has the shape of real wire copy (quotations over several
paragraphs, "the President said", "he said" after a quotation that names
countries, datelines, names outside Latin-1) but its words are our own.
"""

from __future__ import annotations

from kg.extract import extract_document
from kg.extract.speech import quotation_spans
from kg.extract.text import body_spans, document_from_text, sentences


def statements(text: str, ref: str = "2024-05-02"):
    return [d for d in extract_document(document_from_text(text, ref)) if d.type == "statement"]


def speakers(f) -> list[str]:
    return [p.name for p in f.role("speaker")]


def test_quotation_spans_cross_sentences_and_paragraphs():
    text = ('He said: "We are ready. We have waited long.\n'
            '"The talks will go on," he added. The minister said "fine".')
    spans = [text[a:b] for a, b in quotation_spans(text)]
    assert spans[0].startswith('"We are ready') and spans[0].endswith('go on,"')
    assert spans[1] == '"fine"'


def test_speaker_by_title_is_the_holder_named_before():
    found = statements(
        "President Elena Marchetti hosted her Kenyan counterpart in Rome on Monday.\n\n"
        '"This accord opens a new chapter for our two peoples," the President said.')
    assert [speakers(f) for f in found] == [["Elena Marchetti"]]


def test_pronoun_goes_to_the_person_outside_the_quotation():
    found = statements(
        "Foreign Minister Tomas Reinholt met reporters in Oslo.\n\n"
        '"Norway and Russia must keep talking, and Kenya has shown the way," he said.')
    assert len(found) == 1 and speakers(found[0]) == ["Tomas Reinholt"]  # not Norway, Russia or Kenya


def test_quotation_over_sentences_and_paragraphs_is_one_statement():
    found = statements(
        "Defence Minister Aiko Morita spoke after the signing.\n\n"
        '"We share the same sea. We share the same worries.\n\n'
        '"This accord lets our navies train together," she said.')
    assert len(found) == 1 and speakers(found[0]) == ["Aiko Morita"]
    assert any(q.text.startswith('"We share the same sea') for q in found[0].quotes)


def test_he_added_continues_the_same_speech_act():
    found = statements('Prime Minister Ravi Menon spoke in Delhi. "Ties are strong," Menon said. '
                       '"They will grow," he added.')
    assert len(found) == 1 and len(found[0].quotes) >= 2


def test_name_outside_latin1_is_whole():
    found = statements('Prime Minister Călin Popescu-Tăriceanu stated, "The vote is a turning point."')
    assert speakers(found[0]) == ["Călin Popescu-Tăriceanu"]
    found = statements('The speaker of the assembly, Paweł Łukasiewicz, who led the talks in 2019, said, "We agree."')
    assert speakers(found[0]) == ["Paweł Łukasiewicz"]


def test_media_cited_as_source_are_not_speakers():
    assert statements("The two states agreed to reopen embassies, Iranian state media said on Friday.") == []


def test_a_country_inside_a_quotation_is_never_the_speaker():
    found = statements('"Brazil will buy more jets," the defence ministry said.')
    assert all("Brazil" not in speakers(f) for f in found)


def test_both_sides_speak_for_the_main_pair():
    found = statements("Chile and Peru held talks in Lima on Tuesday. Chile and Peru agreed on a border commission. "
                       "Both sides said the talks were constructive.")
    assert found and set(speakers(found[-1])) == {"Chile", "Peru"}


def test_a_state_body_speaks_for_its_state():
    found = statements("The Malian government has voiced concern about the new sanctions.")
    assert found and speakers(found[0]) == ["Mali"]


def test_a_reported_change_of_ties_is_that_event_not_a_statement():
    found = extract_document(document_from_text(
        "Lesotho has cut diplomatic ties with Taiwan, Lesotho's foreign minister said on Monday.", "2024-05-02"))
    assert [f.type for f in found if f.type in ("statement", "diplomatic_relations")] == ["diplomatic_relations"]


def test_datelines_in_their_forms_are_not_sentence_text():
    for line in ("ASTANA, JUNE 12: Kazakhstan and Uzbekistan signed a pact.",
                 "LILONGWE (Reuters) - Kazakhstan and Uzbekistan signed a pact.",
                 "Addis Ababa, Sep 11 Kazakhstan and Uzbekistan signed a pact.",
                 "Phnom Penh, Nov 11 (EFE).- Kazakhstan and Uzbekistan signed a pact."):
        (s, e, _), = body_spans(line)
        assert line[s:e] == "Kazakhstan and Uzbekistan signed a pact.", line


def test_hard_wrapped_lines_are_joined_into_sentences():
    text = ("Ministers sign pipeline accord\n"
            "Oslo, March 3: Norwegian and Danish ministers today\n"
            "signed a major agreement on a pipeline under the North\n"
            "Sea to carry gas from the Norwegian fields to Denmark.\n"
            "The deal was signed in front of Prime Minister Tove\n"
            "Lindqvist and visiting Danish minister Jens Holm.\n")
    found = [" ".join(s.text.split()) for s in sentences(text)]
    assert found[0].startswith("Norwegian and Danish ministers today signed") and found[0].endswith("Denmark.")
    assert "Tove Lindqvist" in " ".join(found[1].split())

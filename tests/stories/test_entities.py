"""Entity-like tokens without a model: names, acronyms and numbers, in several scripts."""

from newsprism.nlp.entities import entities


def test_capitalised_words_inside_a_sentence_are_names_and_sentence_openers_are_not():
    found = entities(
        "",
        "Republicans pressed party chairman Michael Steele on Sunday. Several senators "
        "said the comments about Afghanistan were wrong.",
    )
    assert {"michael", "steele", "afghanistan"} <= set(found)
    # "Republicans" and "Several" open their sentences; "Sunday" is a weekday.
    assert not {"republicans", "several", "sunday"} & set(found)


def test_a_sentence_opener_counts_when_the_text_names_it_elsewhere():
    found = entities("", "Steele apologised. Critics said Steele should resign.")
    assert found.count("steele") == 2


def test_acronyms_inner_capitals_and_numbers_are_names_anywhere():
    found = entities("", "NATO met. iPhone sales rose 129 percent on the A42 road, not 7.")
    assert {"nato", "iphone", "129", "a42"} <= set(found)
    assert "7" not in found  # one digit says little
    assert found.count("a42") == 1  # a capitalised code is not counted twice


def test_a_title_case_headline_only_keeps_the_words_its_text_shows_as_names():
    title = "Michael Steele Criticized for Afghanistan Comments"
    text = "The chairman, Michael Steele, spoke about Afghanistan on Friday."
    found = entities(title, text)
    assert found.count("steele") == 2 and found.count("afghanistan") == 2
    assert "criticized" not in found and "comments" not in found


def test_possessives_fold_into_the_name_and_scripts_with_case_work():
    assert entities("", "a war of Obama’s choosing, said Obama's aide") == ["obama", "obama"]
    assert entities("", "Президент Путин заявил, что Россия готова.") == ["путин", "россия"]
    assert entities("", "Ο πρωθυπουργός Μητσοτάκης μίλησε.") == ["μητσοτάκης"]


def test_text_without_capitals_or_digits_has_no_entities():
    assert entities("stocks fall slightly at the open", "markets were quiet.") == []

"""Codes people type: the alphabet, reading what was typed, and the check character."""

from __future__ import annotations

import itertools

import pytest

from evalsys.collection import issued_codes, typed_codes


def test_the_alphabet_has_no_look_alikes():
    assert not set("0O1lIiLoU") & set(typed_codes.ALPHABET)
    assert len(set(typed_codes.ALPHABET)) == len(typed_codes.ALPHABET) == 30


def test_reading_ignores_case_spaces_and_dashes():
    assert typed_codes.read(" abc-def ") == "ABCDEF"
    assert typed_codes.read("ab c–d ef") == "ABCDEF"  # an en dash pasted from a document
    assert typed_codes.is_well_formed("ABCDEF", 6)
    assert not typed_codes.is_well_formed("ABCDE0", 6)  # 0 is never printed
    assert not typed_codes.is_well_formed("ABCDE", 6)


def test_the_check_character_catches_every_single_mistyped_character():
    for _ in range(20):
        printed = typed_codes.read(issued_codes.new_code())
        assert typed_codes.has_valid_check(printed)
        for at, wrong in itertools.product(range(len(printed)), typed_codes.ALPHABET):
            if wrong == printed[at]:
                continue
            typo = printed[:at] + wrong + printed[at + 1 :]
            assert not typed_codes.has_valid_check(typo), (printed, typo)


def test_the_check_character_catches_nearly_every_swap_of_neighbours():
    # Luhn mod N misses a swap only of a pair whose values sum to N - 1 around the doubling.
    caught = missed = 0
    for _ in range(200):
        printed = typed_codes.read(issued_codes.new_code())
        for at in range(len(printed) - 1):
            if printed[at] == printed[at + 1]:
                continue
            swapped = printed[:at] + printed[at + 1] + printed[at] + printed[at + 2 :]
            if typed_codes.has_valid_check(swapped):
                missed += 1
            else:
                caught += 1
    assert caught / (caught + missed) > 0.9


def test_an_issued_code_is_read_as_printed_or_refused_as_mistyped():
    code = issued_codes.new_code()
    assert len(code) == 8 and code[4] == "-"
    assert issued_codes.as_printed(code.lower().replace("-", " ")) == code
    typo = code[:2] + ("X" if code[2] != "X" else "Y") + code[3:]
    with pytest.raises(issued_codes.NotAnIssuedCode) as refused:
        issued_codes.as_printed(typo)
    assert refused.value.reason == "mistyped"

"""FirstRows: the first row of each key across chunks, as a dict would answer, in 12 bytes a key."""

from __future__ import annotations

import random

from evalsys.imports.first_rows import FirstRows


def test_it_answers_as_a_dict_of_first_rows_across_chunks():
    rng = random.Random(7)
    keys = [(f"C{rng.randrange(3000):05d}", rng.randrange(3)) for _ in range(20_000)]
    seen, reference = FirstRows(), {}
    for number, key in enumerate(keys, start=2):
        assert seen.get(key) == reference.get(key)
        if key not in reference:
            seen[key] = reference[key] = number
        if number % 997 == 0:  # chunks of uneven size
            seen.end_chunk()
    seen.end_chunk()
    assert len(seen) == len(reference)
    assert all(seen.get(key) == row for key, row in reference.items())
    assert seen.get(("NEVER", 0)) is None


class Clash:
    """Keys that differ but share one hash: the case the module's docstring counts on."""

    def __init__(self, name):
        self.name = name

    def __hash__(self):
        return 42

    def __eq__(self, other):
        return self.name == other.name


def test_a_hash_shared_by_two_keys_reports_a_repeat_never_lets_one_through():
    seen = FirstRows()
    seen[Clash("a")] = 2
    assert seen.get(Clash("b")) is None  # within a chunk the dict compares the keys
    seen[Clash("b")] = 3
    seen.end_chunk()
    assert seen.get(Clash("a")) == 2  # a true repeat is always found
    assert seen.get(Clash("c")) == 2  # a false one points at the earliest row of that hash

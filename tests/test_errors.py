"""The one wording of an "unknown name" refusal (lunarcity.errors.unknown), worked by hand."""

from __future__ import annotations

from lunarcity.errors import InputError, unknown


def test_unknown_names_the_close_match_the_field_and_the_sorted_valid_names() -> None:
    err = unknown("fab kind", "smeltr", ["smelter", "printer"], field="economy.enable_fabs")
    # difflib ratio 'smeltr' : 'smelter' = 2 * 6 matched / (6 + 7) = 0.92 >= 0.6, the hint;
    # 'printer' shares only a few letters, so it is not offered.
    assert isinstance(err, InputError)
    assert err.message == "unknown fab kind 'smeltr'; did you mean 'smelter'?"
    assert err.field == "economy.enable_fabs"
    assert err.valid == "printer, smelter"  # sorted, as one_of gives them
    assert err.render() == (
        "economy.enable_fabs: unknown fab kind 'smeltr'; did you mean 'smelter'? "
        "(valid: printer, smelter)"
    )


def test_unknown_with_nothing_close_names_the_file_and_line_and_reads_a_dict_once() -> None:
    stores = {"flywheel": 1, "capacitor": 2}  # a dict's keys are the names
    err = unknown(
        "pulse store", "zzz", stores, field="mass_driver.pulse_store", file="s.yaml", line=3
    )
    assert err.message == "unknown pulse store 'zzz'"  # no name within 0.6 of 'zzz': no hint
    assert (err.file, err.line) == ("s.yaml", 3)
    assert err.render() == (
        "s.yaml:3: mass_driver.pulse_store: unknown pulse store 'zzz' (valid: capacitor, flywheel)"
    )
    # A generator serves too: the names are read once for the hint and the valid list.
    gen = unknown("item", "motor", (n for n in ["motors", "wire"]))
    assert gen.render() == "unknown item 'motor'; did you mean 'motors'? (valid: motors, wire)"


def test_unknown_takes_valid_words_and_says_none_when_no_name_is_known() -> None:
    given = unknown("outcome", "x", ["a", "b"], valid="a or b, and no other")
    assert given.valid == "a or b, and no other"
    empty = unknown("technology route", "molten", [])
    assert empty.valid is None
    assert empty.render() == "unknown technology route 'molten'"

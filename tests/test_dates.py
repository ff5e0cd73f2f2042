import datetime as dt

import pytest

from kg.core.dates import DateSpec, parse, parse_partial
from kg.core.errors import DateError

REF_2018 = parse_partial("2018-02-01")


@pytest.mark.parametrize("text, value, precision, earliest, latest", [
    ("2015", "2015", "year", "2015-01-01", "2015-12-31"),
    ("June 2017", "2017-06", "month", "2017-06-01", "2017-06-30"),
    ("2017-06", "2017-06", "month", "2017-06-01", "2017-06-30"),
    ("February 2016", "2016-02", "month", "2016-02-01", "2016-02-29"),
    ("21-22 November 2023", "2023-11-21/2023-11-22", "day", "2023-11-21", "2023-11-22"),
    ("21–22 November, 2023", "2023-11-21/2023-11-22", "day", "2023-11-21", "2023-11-22"),
    ("November 21-22, 2023", "2023-11-21/2023-11-22", "day", "2023-11-21", "2023-11-22"),
    ("2023-11-21/22", "2023-11-21/2023-11-22", "day", "2023-11-21", "2023-11-22"),
    ("7 September 2018", "2018-09-07", "day", "2018-09-07", "2018-09-07"),
    ("2015-2016", "2015/2016", "year", "2015-01-01", "2016-12-31"),
])
def test_dates_keep_their_precision_and_bounds(text, value, precision, earliest, latest):
    d = parse(text)
    assert d.value() == value
    assert d.precision == precision
    assert d.earliest() == dt.date.fromisoformat(earliest)
    assert d.latest() == dt.date.fromisoformat(latest)


def test_no_day_is_invented_for_a_month():
    # dateutil would give today's day of the month; kg keeps the month.
    d = parse("June 2017")
    assert d.start.day is None and d.value() == "2017-06"


@pytest.mark.parametrize("text, value", [
    ("in April", "2018-04"),
    ("in September", "2018-09"),
    ("this year", "2018"),
    ("last year", "2017"),
    ("next month", "2018-03"),
    ("7-27 September", "2018-09-07/2018-09-27"),
    ("Thursday", "2018-02-01"),       # 2018-02-01 was a Thursday
    ("Monday", "2018-01-29"),
    ("last week", "2018-01-22/2018-01-28"),
])
def test_relative_dates_resolve_against_the_reference_date(text, value):
    assert parse(text, REF_2018).value() == value


def test_relative_day_needs_a_reference_known_to_the_day():
    with pytest.raises(DateError, match="known to the day"):
        parse("Thursday", parse_partial("2018"))
    with pytest.raises(DateError, match="no reference date"):
        parse("in April")


@pytest.mark.parametrize("bad, reason", [
    ("2017-13", "month 13"),
    ("2017-02-30", "day 30"),
    ("31 April 2019", "day 31"),
    ("22-21 November 2023", "ends before it starts"),
    ("the day after", "cannot read"),
    ("", "empty"),
])
def test_impossible_dates_are_refused_with_a_reason(bad, reason):
    with pytest.raises(DateError, match=reason):
        parse(bad, REF_2018)


def test_qualifiers_open_the_bounds():
    before = parse("before 2023-11-21")
    assert before.qualifier == "before" and before.earliest() is None
    assert before.latest() == dt.date(2023, 11, 20)
    after = parse("after 2017")
    assert after.earliest() == dt.date(2018, 1, 1) and after.latest() is None
    as_of = parse("as of June 2017")
    assert (as_of.earliest(), as_of.latest()) == (dt.date(2017, 6, 1), dt.date(2017, 6, 30))
    assert str(as_of) == "as of 2017-06"


def test_yaml_dates_and_years_are_accepted():
    assert parse(dt.date(2017, 6, 9)).value() == "2017-06-09"
    assert parse(2015).value() == "2015"
    assert isinstance(parse(2015), DateSpec)

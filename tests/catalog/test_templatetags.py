"""Durations read as clock times in the catalogue pages."""

import pytest

from catalog.templatetags.catalog_format import duration


@pytest.mark.parametrize(
    ("seconds", "shown"), [(None, ""), (0.4, "0:00"), (59.6, "1:00"), (185.4, "3:05"), (3725.0, "1:02:05")]
)
def test_duration_reads_as_a_clock(seconds, shown):
    assert duration(seconds) == shown

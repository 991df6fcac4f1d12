"""Nearest-rank percentiles, as the Metrics page's duration and approval-wait figures use them."""

from __future__ import annotations

import pytest

from engine.read_models.metric_series import percentile


@pytest.mark.parametrize(("values", "share", "expected"), [
    ([], 0.5, None),
    ([7.0], 0.99, 7.0),
    ([1.0, 2.0, 3.0, 4.0], 0.5, 2.0),
    ([4.0, 1.0, 3.0, 2.0], 0.9, 4.0),
    ([float(n) for n in range(1, 101)], 0.9, 90.0),
    ([float(n) for n in range(1, 101)], 0.99, 99.0),
])
def test_percentile_is_the_nearest_rank(values: list[float], share: float, expected: float | None) -> None:
    assert percentile(values, share) == expected

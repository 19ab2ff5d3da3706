"""The report writes "无一人发热，目前已全部脱离观察期" only when it is true: never while a Hubei arrival is
still under observation (the test world's 尹某某, from Wuhan, with a fever on 01-26), and "无一人发热"
never once one of them had a fever."""

import datetime as dt

from cordon.reports.figures import area_figures, end_of_day, value
from cordon.reports.report_text import report_text


def test_the_all_clear_is_not_written_while_a_hubei_arrival_is_observed_with_a_fever(world):
    for day in (dt.date(2020, 1, 27), dt.date(2020, 2, 21)):
        figures = area_figures(viewer=world.commander, area=world.town, as_of=end_of_day(day))
        assert (
            value(figures, "screening.hubei_observing") >= 1 and value(figures, "screening.hubei_fever") >= 1
        )
        text = report_text(figures)
        assert "全部脱离观察期" not in text and "无一人发热" not in text, day

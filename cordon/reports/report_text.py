"""The daily report's text, in the style the seed town sent upward:

    截至2月21日24时，摸排出湖北旅居史人员51人（武汉25人），无一人发热，目前已全部脱离观察期；
    非湖北地区外来人员374人……排查小组46个，卡点62个……

Built from the figures alone (so a stored report's text and figures always agree), always in Chinese
(the report goes upward in Chinese whatever the reader's language). A day with nothing new says so
(零报告).
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _


def approx(n: int) -> str:
    """Large headcounts the way the towns write them: 1063 → "1000余"."""
    if n >= 1000 and n % 100:
        return f"{n // 100 * 100}余"
    return str(n)


def _v(figures: dict, path: str) -> int:
    section, key = path.split(".")
    return figures["sections"][section]["figures"][key]["value"]


def _sentences(f: dict) -> list[str]:
    def v(path):
        return _v(f, path)

    day = dt.date.fromisoformat(f["date"])
    out = []
    hubei = v("screening.hubei")
    screening = _(
        "As of 24:00 on %(month)s/%(day)s, %(hubei)s people with a travel history in Hubei were "
        "screened (%(wuhan)s from Wuhan)"
    ) % {
        "month": day.month,
        "day": day.day,
        "hubei": hubei,
        "wuhan": v("screening.wuhan"),
    }
    fever = v("screening.hubei_fever")
    parts = [screening]
    if hubei:
        parts.append(
            _("not one had a fever") if fever == 0 else _("%(n)s of them had a fever") % {"n": fever}
        )
        observing = v("screening.hubei_observing")
        never = v("screening.hubei_never_observed")
        otherwise = v("screening.hubei_closed")
        if observing == 0 and never == 0 and otherwise == 0:
            # Only when true: every Hubei arrival counted was observed and released.
            parts.append(_("all have now completed observation"))
        else:
            parts.append(
                _("%(done)s have completed observation and %(left)s are still under observation")
                % {"done": v("screening.hubei_released"), "left": observing}
            )
            if otherwise:
                parts.append(_("%(n)s ended observation otherwise") % {"n": otherwise})
            if never:
                names = "、".join(item["name"] for item in f.get("unresolved", [])[:10])
                parts.append(
                    _("%(n)s were never under observation and are to be resolved (%(names)s)")
                    % {"n": never, "names": names}
                )
    out.append(
        "，".join(parts)
        + "；"
        + _("%(others)s incoming people from places other than Hubei") % {"others": v("screening.others")}
        + "。"
    )
    out.append(
        _(
            "Under medical observation: %(home)s at home, %(central)s centralised; %(released)s released "
            "that day."
        )
        % {
            "home": v("observation.home") + v("observation.monitoring"),
            "central": v("observation.centralised"),
            "released": v("observation.released_today"),
        }
    )
    out.append(
        _(
            "%(alerts)s new fever alerts that day, %(referred)s referred to the fever clinic, %(open)s "
            "alerts still open."
        )
        % {
            "alerts": v("alerts.opened_today"),
            "referred": v("alerts.referred_today"),
            "open": v("alerts.open"),
        }
    )
    out.append(
        _(
            "Confirmed cases %(confirmed)s (%(new)s new that day), suspected %(suspected)s, asymptomatic "
            "%(asymptomatic)s, cured and discharged %(cured)s, deaths %(died)s."
        )
        % {
            "confirmed": v("cases.confirmed"),
            "new": v("cases.new_confirmed"),
            "suspected": v("cases.suspected"),
            "asymptomatic": v("cases.asymptomatic"),
            "cured": v("cases.cured"),
            "died": v("cases.died"),
        }
    )
    contacts = _(
        "%(close)s close contacts traced, %(placed)s placed in centralised quarantine, %(released)s "
        "released, "
        "%(inside)s still in quarantine"
    ) % {
        "close": v("contacts.close"),
        "placed": v("contacts.placed"),
        "released": v("contacts.released"),
        "inside": v("contacts.in_quarantine"),
    }
    if f.get("release_dates"):
        dates = "、".join(
            _("%(month)s/%(day)s: %(n)s")
            % {"month": int(d["date"][5:7]), "day": int(d["date"][8:]), "n": d["count"]}
            for d in f["release_dates"][:5]
        )
        contacts += _(" (expected release %(dates)s)") % {"dates": dates}
    if v("contacts.close"):
        became = v("contacts.became_case")
        contacts += "，" + (
            _("not one contact has become a case")
            if became == 0
            else _("%(n)s contacts became cases") % {"n": became}
        )
    out.append(contacts + "。")
    sealed = f.get("sealed_areas") or []
    names = "、".join(a["name"] for a in sealed)
    out.append(
        (
            _("%(n)s areas under closed management (%(names)s)") % {"n": len(sealed), "names": names}
            if sealed
            else _("No area under closed management")
        )
        + "，"
        + _("%(n)s exit passes awaiting approval.") % {"n": v("lockdowns.passes_pending")}
    )
    out.append(
        _(
            "%(teams)s screening teams, %(gates)s checkpoints (%(h24)s staffed 24 h), %(stations)s "
            "inspection stations, "
            "%(duty)s people on duty that day; %(personnel)s party members, activists, militia reserve and "
            "volunteers mobilised."
        )
        % {
            "teams": v("forces.screening_teams"),
            "gates": v("checkpoints.gates"),
            "h24": v("checkpoints.gates_24h"),
            "stations": v("checkpoints.stations"),
            "duty": v("checkpoints.staff_on_duty"),
            "personnel": approx(v("forces.personnel")),
        }
    )
    out.append(
        _(
            "That day %(people)s people and %(vehicles)s vehicles were checked, %(back)s turned back, "
            "%(referred)s referred to the fever clinic and %(overrides)s flagged people let through "
            "with a reason."
        )
        % {
            "people": v("checkpoints.people"),
            "vehicles": v("checkpoints.vehicles"),
            "back": v("checkpoints.turned_back"),
            "referred": v("checkpoints.referred"),
            "overrides": v("checkpoints.overrides"),
        }
    )
    out.append(
        _(
            "%(teams)s disinfection teams; %(rounds)s rounds done that day over %(m2)s m², %(overdue)s "
            "rounds overdue."
        )
        % {
            "teams": v("disinfection.teams"),
            "rounds": v("disinfection.rounds_done"),
            "m2": f"{v('disinfection.area_m2'):g}",
            "overdue": v("disinfection.rounds_overdue"),
        }
    )
    out.append(
        _(
            "%(open)s enterprises reopened (%(findings)s with findings), %(overdue)s findings past their "
            "deadline."
        )
        % {
            "open": v("enterprises.open"),
            "findings": v("enterprises.open_findings"),
            "overdue": v("enterprises.findings_overdue"),
        }
    )
    stock = f["sections"].get("stock")  # reports sent before the stock was counted have none
    if stock:
        out.append(_stock_sentence(stock["figures"]))
    return out


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _stock_sentence(figures: dict) -> str:
    """防护物资：口罩库存3500只（可用12.5天）……；2种低于预警线。"""
    parts = []
    for key, figure in figures.items():
        if not key.startswith("on_hand_"):
            continue
        days = figures.get("days_left_" + key[len("on_hand_") :])
        text = f"{figure['label']}{_number(figure['value'])}{figure['unit']}"
        if days:
            text += _(" (%(days)s days at the last week's rate)") % {"days": _number(days["value"])}
        parts.append(text)
    text = _("Protective supplies: %(items)s") % {"items": "；".join(parts)}
    if "below_warning" in figures:
        text += _("; %(below)s items below their warning level") % {
            "below": figures["below_warning"]["value"]
        }
    return text + "。"


def report_text(figures: dict, columns: list[dict] | None = None) -> str:
    """The whole text: a zero-report line when nothing was new that day, then the sentences; above a
    town, one paragraph per area below it."""
    with translation.override("zh-hans"):
        lines = [_("%(area)s daily report") % {"area": figures["area"]["name"]}]
        if figures.get("not_sent"):
            lines.append(
                _("Not reported yet: %(areas)s. The figures below add up only the reports that were sent.")
                % {"areas": "、".join(figures["not_sent"])}
            )
        elif figures["zero_report"]:
            lines.append(_("Zero report: no new arrivals, fever alerts, cases or contacts that day."))
        lines.append("".join(_sentences(figures)))
        for column in columns or []:
            if column.get("not_sent"):  # above a town, as sent: an area that has not sent says so
                lines.append(f"{column['area']['name']}：" + _("not reported yet."))
                continue
            lines.append(f"{column['area']['name']}：" + "".join(_sentences(column)))
        return "\n".join(lines)
